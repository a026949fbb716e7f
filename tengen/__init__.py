"""The ``tengen`` command (``cli``: argument parsing and dispatch only) and the one place that
wires settings to networks, evaluator and searcher (``wiring``), plus the benchmarks that need
both the search and the networks (``bench``). The only package that knows every other."""
