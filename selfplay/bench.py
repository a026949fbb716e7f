"""Speed of the self-play factory alone: ``threads`` workers (:mod:`selfplay.worker`) with
``games_per_thread`` games each, sharing one network owner (:mod:`selfplay.inference`), played for
a fixed time with nothing written. Torch-free: the network's own speed at the same batch, and the
ratio of the two, are measured beside it by :mod:`tengen.bench`."""
from __future__ import annotations

import itertools
import resource
import threading
import time
from dataclasses import replace

import numpy as np

from nets.evaluator import Evaluator

from .config import SelfPlayConfig
from .inference import BatchingEvaluator, network_owner
from .worker import SelfPlayWorker, run_workers


def peak_resident_mib() -> float:
    """This process's peak resident memory so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def selfplay_speed(config: SelfPlayConfig, evaluator: Evaluator, threads: int, seconds: float,
                   rollout_weights: np.ndarray | None = None) -> dict:
    """Self-play for ``seconds`` (after a warm-up round that compiles the kernels) with
    ``threads`` workers. Returns threads, games (finished), moves, simulations, their rates,
    network calls, ``mean_batch`` (positions per network call), ``joined`` (one network call for
    all workers, else one per worker thread), seconds and ``peak_rss_mib``."""
    counter = itertools.count()
    lock = threading.Lock()

    def next_id() -> int:
        with lock:
            return next(counter)

    finished = [0]

    def on_game(record) -> None:
        with lock:
            finished[0] += 1

    warm = SelfPlayWorker(replace(config, games_per_thread=1), evaluator, next_id, on_game, rollout_weights)
    warm.slots.append(warm._open())
    for _ in range(3):
        warm._round(warm.slots)
    finished[0] = 0
    shared = network_owner(evaluator, threads, config.join_batches)
    deadline = [0.0]
    workers = [SelfPlayWorker(config, shared, next_id, on_game, rollout_weights,
                              should_stop=lambda: time.perf_counter() >= deadline[0]) for _ in range(threads)]

    errors: list[BaseException] = []
    start = time.perf_counter()
    deadline[0] = start + seconds
    run_workers(workers, errors)
    if errors:
        raise errors[0]
    elapsed = time.perf_counter() - start
    simulations = sum(w.simulations for w in workers)
    moves = sum(w.moves for w in workers)
    joined = isinstance(shared, BatchingEvaluator)
    calls = shared.calls if joined else sum(w.evaluations for w in workers)
    positions = shared.positions if joined else sum(w.leaves for w in workers)
    return {"threads": threads, "games_per_thread": config.games_per_thread, "seconds": round(elapsed, 3),
            "games": finished[0], "moves": moves, "simulations": simulations,
            "games_per_s": round(finished[0] / elapsed, 3), "moves_per_s": round(moves / elapsed, 2),
            "sims_per_s": round(simulations / elapsed, 1), "network_calls": calls,
            "mean_batch": round(positions / calls, 1) if calls else 0.0, "joined": joined,
            "peak_rss_mib": round(peak_resident_mib(), 1)}


__all__ = ["selfplay_speed", "peak_resident_mib"]
