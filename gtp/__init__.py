"""GTP: Tengen's engine split by command family (``engine`` composes the ``*_commands``
modules), its settings (``config``), the command loop over byte streams (``server``), the GUI
analysis extensions (``analysis``), time controls, the terminal front end, and a client for
driving other engines (GNU Go, ...). The engine receives its searcher; it never builds one."""
