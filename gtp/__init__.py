"""GTP: a client for driving other engines (GNU Go, ...) and, later, Tengen's own engine."""
