"""Speed of the search against the raw speed of its network, measured in the same run.

``sims_per_s``: simulations per second of a batched MCTS from the empty board.
``nn_positions_per_s``: the same network(s) alone, on random input of the same batch size and
device (no features, no tree). Their ratio says how much of the network's speed the search keeps.
"""
from __future__ import annotations

import time

import numba
import torch

from gogame.game import GameState
from nets.checkpoint import load_checkpoint
from nets.evaluator import RolloutEvaluator, TorchEvaluator, UniformEvaluator, default_networks, pick_device

from .mcts import MCTS, SearchConfig, search_many
from .result import SearchLimits


def _networks(weights: str | None, value_weights: str | None, seed: int):
    if weights is None:
        return default_networks(seed)
    policy, _ = load_checkpoint(weights)
    value = load_checkpoint(value_weights, expected_kind="value")[0] if value_weights else None
    return policy, value


@torch.inference_mode()
def network_positions_per_s(networks, batch: int, size: int, device: torch.device, dtype, seconds: float) -> float:
    """Forward passes of ``networks`` (all of them per position) on random planes."""
    modules = [n.to(device, dtype).eval() for n in networks if n is not None]
    inputs = [torch.rand(batch, n.config.input_planes, size, size, device=device).to(dtype) for n in modules]

    def once():
        for module, x in zip(modules, inputs):
            out = module(x)
            (out[0] if isinstance(out, tuple) else out).float().cpu()

    for _ in range(3):
        once()
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        once()
        done += batch
    return done / (time.perf_counter() - start)


def mcts_benchmark(size: int = 9, visits: int = 3200, batch: int = 16, evaluator: str = "network",
                   weights: str | None = None, value_weights: str | None = None, device: str = "auto",
                   rollout_weight: float = 0.0, threads: int | None = 1, seed: int = 0, nn_seconds: float = 3.0,
                   games: int = 1) -> dict:
    """Run the search and (for ``network``) the bare network; return the figures as a dict.
    With ``games`` > 1, that many games are searched together (``search_many``, ``visits`` each),
    so one evaluator call holds up to ``games * batch`` leaves; the network is timed at that batch."""
    if threads:
        torch.set_num_threads(threads)
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    torch_device = pick_device(device)
    networks = None
    if evaluator == "network":
        networks = _networks(weights, value_weights, seed)
        chosen = TorchEvaluator(*networks, device=str(torch_device.type), symmetry="random", cache_size=0, seed=seed)
    elif evaluator == "uniform":
        chosen = UniformEvaluator()
    elif evaluator == "rollout":
        chosen = RolloutEvaluator(seed=seed)
    else:
        raise ValueError(f"unknown evaluator {evaluator!r}: expected network, uniform or rollout")
    config = SearchConfig(batch_size=batch, rollout_weight=rollout_weight, seed=seed,
                          node_limit=max(100_000, 2 * visits), edges_per_node=size * size + 1, reuse_tree=False)
    MCTS(chosen, config).search(GameState(size, 7.5), SearchLimits(visits=2 * batch))  # compile, warm torch
    if games > 1:
        searches = [MCTS(chosen, config) for _ in range(games)]
        positions = [GameState(size, 7.5) for _ in range(games)]
        start = time.perf_counter()
        results = search_many(searches, positions, visits)
        elapsed = time.perf_counter() - start
        result, total = results[0], sum(r.visits for r in results)
    else:
        start = time.perf_counter()
        result = MCTS(chosen, config).search(GameState(size, 7.5), SearchLimits(visits=visits))
        elapsed = time.perf_counter() - start
        total = result.visits
    figures = {
        "size": size, "games": games, "visits": total, "batch": batch, "evaluator": evaluator,
        "rollout_weight": rollout_weight,
        "device": str(torch_device) if evaluator == "network" else "cpu", "threads": threads,
        "seconds": round(elapsed, 3), "sims_per_s": round(total / elapsed, 1),
        "best_move": int(result.best.move) if result.best else 0,
    }
    if networks is not None:
        nn_rate = network_positions_per_s(networks, batch * games, size, torch_device, chosen.dtype, nn_seconds)
        figures["nn_positions_per_s"] = round(nn_rate, 1)
        figures["ratio"] = round(figures["sims_per_s"] / nn_rate, 3)
        figures["networks"] = [n.config.to_dict() for n in networks if n is not None]
    return figures


__all__ = ["mcts_benchmark", "network_positions_per_s"]
