"""Where the default engine's search spends its time on one core: the bundled networks, a 9x9
position 20 random moves in, a few seconds under cProfile; prints the share of the rollouts,
the policy and value networks, the input features and the tree kernels.

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python scripts/profile_search.py [--seconds 3]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from gogame.game import GameState  # noqa: E402
from gtp.config import EngineConfig, NetworkFiles  # noqa: E402
from tengen.wiring import build_searcher  # noqa: E402
from search.result import SearchLimits  # noqa: E402

# (label, kernel name as cProfile reports it): the networks are timed by wrapping their modules
KERNELS = [("rollouts", "rollout_mix_nb"), ("input features", "alphago_planes_batch_nb"),
           ("tree selection", "select_batch_nb"), ("tree expansion and backup", "expand_and_backup_nb")]


def timed(module: torch.nn.Module, spent: dict, label: str) -> None:
    """Add the wall time of every call of ``module`` to ``spent[label]``."""
    forward = module.forward

    def wrapper(*inputs):
        start = time.perf_counter()
        output = forward(*inputs)
        spent[label] = spent.get(label, 0.0) + time.perf_counter() - start
        return output

    module.forward = wrapper


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    config = EngineConfig(boardsize=9, nets=NetworkFiles(device="cpu"))  # komi 7.5: the default rules
    game = GameState(9)
    rng = np.random.default_rng(1)
    for _ in range(20):
        game.play(int(rng.choice(game.legal_moves())), game.to_move)
    build_searcher(config).search(game, SearchLimits(seconds=1.0))  # compile, load caches
    searcher = build_searcher(config)
    spent: dict[str, float] = {}
    timed(searcher.evaluator.policy, spent, "policy network")
    if searcher.evaluator.value is not None:
        timed(searcher.evaluator.value, spent, "value network")
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    result = searcher.search(game, SearchLimits(seconds=args.seconds))
    profile.disable()
    wall = time.perf_counter() - start
    for (_, _, function), entry in pstats.Stats(profile).stats.items():
        for label, name in KERNELS:
            if function == name:
                spent[label] = spent.get(label, 0.0) + entry[3]
    print(f"{result.visits} simulations in {wall:.2f} s ({result.visits / wall:,.0f}/s), under the profiler")
    for label, seconds in spent.items():
        print(f"{label:28s} {seconds:6.2f} s  {seconds / wall:5.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
