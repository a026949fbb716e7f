"""``tengen bench mcts``: the search's speed against its network's raw speed, in the same run.

``sims_per_s``: simulations per second of a batched MCTS from the empty board
(:func:`search.bench.search_speed`). ``nn_positions_per_s``: the same network(s) alone, on random
input of the same batch size and device (:func:`nets.bench.network_positions_per_s`). Their
``ratio`` says how much of the network's speed the search keeps.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from gogame.coords import check_size
from gtp.config import NetworkFiles
from nets.bench import network_positions_per_s
from nets.rollout_policy import RolloutPolicy
from search.bench import search_speed
from search.mcts import SearchConfig

from .wiring import bench_evaluator

# the benchmark's search: no rollouts, no tree reuse, AlphaGo-sized batches
BENCH_SEARCH = SearchConfig(batch_size=16, rollout_weight=0.0, node_limit=100_000, reuse_tree=False)


@dataclass(frozen=True)
class MctsBenchConfig:
    """``visits`` simulations on each of ``games`` empty ``size`` boards searched together, with
    the ``search`` settings; ``evaluator``: ``network`` (``nets.weights``/``nets.value_weights``,
    else the default NetConfig with random weights, which time the same), ``uniform`` or
    ``rollout``; ``nets.rollout_weights``: the fast rollout policy for the rollouts (with
    ``search.rollout_weight`` above 0); ``threads``: what the caller set the process's thread counts to (reported);
    ``nn_seconds``: how long the network alone is timed."""

    size: int = 9
    visits: int = 3200
    games: int = 1
    evaluator: Literal["network", "uniform", "rollout"] = "network"
    threads: int | None = 1
    seed: int = 0
    nn_seconds: float = 3.0
    nets: NetworkFiles = field(default_factory=NetworkFiles)
    search: SearchConfig = BENCH_SEARCH

    def __post_init__(self) -> None:
        check_size(self.size)
        if self.visits < 1 or self.games < 1:
            raise ValueError(f"visits and games must be positive, got {self.visits} and {self.games}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be positive, got {self.threads}")
        if self.seed < 0:
            raise ValueError(f"seed must be at least 0, got {self.seed}")
        if not self.nn_seconds > 0:
            raise ValueError(f"nn_seconds must be positive, got {self.nn_seconds}")


def mcts_benchmark(config: MctsBenchConfig = MctsBenchConfig()) -> dict:
    """The figures of one benchmark run as a dict, the search settings searched with under
    ``search`` (the pools grown to hold the search). With
    ``games`` > 1 the network is timed at ``games * batch``."""
    chosen, networks = bench_evaluator(config.evaluator, config.nets.weights, config.nets.value_weights,
                                       config.nets.device, config.seed)
    rollouts = None if config.nets.rollout_weights is None else RolloutPolicy.load(config.nets.rollout_weights).weights
    figures = search_speed(chosen, config.search, config.size, config.visits, config.seed, config.games, rollouts)
    figures = {**figures, "evaluator": config.evaluator, "device": str(chosen.device) if networks else "cpu",
               "threads": config.threads}
    if networks is not None:
        batch = config.search.batch_size * config.games
        rate = network_positions_per_s(networks, batch, config.size, chosen.device, chosen.dtype, config.nn_seconds)
        figures["nn_positions_per_s"] = round(rate, 1)
        figures["ratio"] = round(figures["sims_per_s"] / rate, 3)
        figures["networks"] = [n.config.to_dict() for n in networks if n is not None]
    return figures


__all__ = ["BENCH_SEARCH", "MctsBenchConfig", "mcts_benchmark"]
