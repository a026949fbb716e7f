"""``tengen bench mcts``: the search's speed against its network's raw speed, in the same run.

``sims_per_s``: simulations per second of a batched MCTS from the empty board
(:func:`search.bench.search_speed`). ``nn_positions_per_s``: the same network(s) alone, on random
input of the same batch size and device (:func:`nets.bench.network_positions_per_s`). Their
``ratio`` says how much of the network's speed the search keeps.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from gogame.coords import check_size
from gtp.config import NetworkFiles
from nets.bench import network_positions_per_s
from nets.rollout_policy import RolloutPolicy
from search.bench import search_speed
from search.mcts import SearchConfig
from selfplay.bench import selfplay_speed
from selfplay.inference import joins_batches
from selfplay.config import GameSetup, PlayoutCap, Resignation, SelfPlayConfig

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


@dataclass(frozen=True)
class SelfPlayBenchConfig:
    """``tengen bench selfplay``: self-play (``selfplay`` settings, its ``size``, ``search`` and
    ``games_per_thread``) for ``seconds`` with each of ``threads`` worker counts in turn (the
    process's torch and numba threads set to the same count), every move searched with
    ``visits`` (no playout cap randomisation), and after each the network alone at that run's
    mean batch for ``nn_seconds``. ``evaluator`` and ``nets`` as for ``bench mcts``."""

    threads: tuple[int, ...] = (1, 2)
    visits: int = 200
    seconds: float = 20.0
    nn_seconds: float = 3.0
    evaluator: Literal["network", "uniform", "rollout"] = "network"
    seed: int = 0
    nets: NetworkFiles = field(default_factory=NetworkFiles)
    selfplay: SelfPlayConfig = SelfPlayConfig(game=GameSetup(komi_mean=7.5, komi_stdev=0.0),
                                              resign=Resignation(threshold=0.0))

    def __post_init__(self) -> None:
        if not self.threads or min(self.threads) < 1:
            raise ValueError(f"threads must be positive counts, got {self.threads}")
        if self.visits < 1 or not self.seconds > 0 or not self.nn_seconds > 0:
            raise ValueError("visits, seconds and nn_seconds must be positive")


def selfplay_benchmark(config: SelfPlayBenchConfig, set_threads) -> list[dict]:
    """One dict of figures per entry of ``config.threads``, in the same run; ``set_threads(n)``
    sets the process's thread counts: to ``threads`` when the workers join their batches into one
    network call, else to 1 (each worker's own calls on one core). ``speedup``: simulations/s
    against the first entry; ``nn_positions_per_s`` (the network alone at the run's mean batch,
    called as the run called it: one stream, or one per worker thread) and ``ratio``
    (simulations/s over it) when a network evaluates."""
    chosen, networks = bench_evaluator(config.evaluator, config.nets.weights, config.nets.value_weights,
                                       config.nets.device, config.seed)
    playouts = PlayoutCap(full_visits=config.visits, cheap_visits=config.visits, full_fraction=1.0)
    selfplay = replace(config.selfplay, playouts=playouts, seed=config.seed)
    figures = []
    for threads in config.threads:
        joined = threads > 1 and joins_batches(chosen, selfplay.join_batches)
        set_threads(threads if joined or threads == 1 else 1)  # not joined: one core per worker thread
        result = selfplay_speed(selfplay, chosen, threads, config.seconds)
        result.update({"size": selfplay.size, "visits": config.visits, "evaluator": config.evaluator,
                       "device": str(chosen.device) if networks else "cpu",
                       "batch_per_game": selfplay.search.batch_size})
        if networks is not None:
            batch = max(1, round(result["mean_batch"]))
            rate = network_positions_per_s(networks, batch, selfplay.size, chosen.device, chosen.dtype,
                                           config.nn_seconds, streams=1 if joined else threads)
            result["nn_positions_per_s"] = round(rate, 1)
            result["ratio"] = round(result["sims_per_s"] / rate, 3)
        if figures:
            result["speedup"] = round(result["sims_per_s"] / figures[0]["sims_per_s"], 3)
        figures.append(result)
    return figures


__all__ = ["BENCH_SEARCH", "MctsBenchConfig", "SelfPlayBenchConfig", "mcts_benchmark", "selfplay_benchmark"]
