"""The game of Go, exactly: rules and board state as numba kernels over flat arrays with thin
classes on top (``board_nb``, ``board``, ``game``, ``rules``), scoring and handicap, SGF,
every coordinate system (``coords``), the 8 symmetries, network input features and the feature-set
registry (``features``), random and capture-aware playouts, ownership estimates, and the
rules-engine benchmark. Imports nothing of Tengen's but ``common``; no torch."""
