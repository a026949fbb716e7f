"""Search: turns a position into a move and the statistics the analysis shows. The ``Searcher``
contract (``searcher``), the batched PUCT MCTS (``mcts`` driving the array kernels of
``tree_nb``), the flat Monte Carlo and raw-policy players, search limits and results
(``result``), and the search-speed benchmark. Sees networks only through
``nets.evaluator.Evaluator``; imports no torch."""
