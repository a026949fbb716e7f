"""``tengen bench mcts``: the search's speed against its network's raw speed, in the same run.

``sims_per_s``: simulations per second of a batched MCTS from the empty board
(:func:`search.bench.search_speed`). ``nn_positions_per_s``: the same network(s) alone, on random
input of the same batch size and device (:func:`nets.bench.network_positions_per_s`). Their
``ratio`` says how much of the network's speed the search keeps.
"""
from __future__ import annotations

from nets.bench import network_positions_per_s
from search.bench import search_speed

from .wiring import bench_evaluator


def mcts_benchmark(size: int = 9, visits: int = 3200, batch: int = 16, evaluator: str = "network",
                   weights: str | None = None, value_weights: str | None = None, device: str = "auto",
                   rollout_weight: float = 0.0, threads: int | None = 1, seed: int = 0, nn_seconds: float = 3.0,
                   games: int = 1) -> dict:
    """The figures of one benchmark run as a dict (``threads`` is reported; the caller sets the
    process's thread counts). With ``games`` > 1 the network is timed at ``games * batch``."""
    chosen, networks = bench_evaluator(evaluator, weights, value_weights, device, seed)
    figures = search_speed(chosen, size, visits, batch, rollout_weight, seed, games)
    figures = {**figures, "evaluator": evaluator, "device": str(chosen.device) if networks else "cpu",
               "threads": threads}
    if networks is not None:
        rate = network_positions_per_s(networks, batch * games, size, chosen.device, chosen.dtype, nn_seconds)
        figures["nn_positions_per_s"] = round(rate, 1)
        figures["ratio"] = round(figures["sims_per_s"] / rate, 3)
        figures["networks"] = [n.config.to_dict() for n in networks if n is not None]
    return figures


__all__ = ["mcts_benchmark"]
