"""Networks: the evaluator contract that the search sees (``evaluator``, torch-free, with the
uniform and rollout stand-ins), PyTorch architectures from a frozen ``NetConfig`` (``models``),
the torch evaluator (``torch_evaluator``: features, symmetries, cache, half precision),
versioned checkpoints without pickle (``checkpoint``), the fast rollout policy and the raw
network benchmark. Uses ``gogame``; only the modules named torch-something and ``models``,
``checkpoint``, ``device``, ``bench`` import torch."""
