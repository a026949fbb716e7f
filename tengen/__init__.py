"""The ``tengen`` command: argument parsing and dispatch only."""
