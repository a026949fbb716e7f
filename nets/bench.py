"""Speed of the networks alone: forward passes per second on random planes, no features, no tree."""
from __future__ import annotations

import threading
import time

import torch


def network_positions_per_s(networks, batch: int, size: int, device: torch.device, dtype, seconds: float,
                            streams: int = 1) -> float:
    """Positions per second through all of ``networks`` (None entries skipped) at ``batch``,
    on ``device`` in ``dtype``, timed for about ``seconds`` after three warm-up calls; with
    ``streams`` > 1, that many threads call the networks at once (as self-play's worker threads
    do when each calls the network itself) and their positions are added."""
    modules = [n.to(device, dtype).eval() for n in networks if n is not None]
    counts = [0] * streams
    start = [0.0]

    @torch.inference_mode()
    def stream(index: int) -> None:
        inputs = [torch.rand(batch, n.config.input_planes, size, size, device=device).to(dtype) for n in modules]

        def once():
            for module, x in zip(modules, inputs):
                out = module(x)
                (out[0] if isinstance(out, tuple) else out).float().cpu()

        for _ in range(3):
            once()
        barrier.wait()
        while time.perf_counter() - start[0] < seconds:
            once()
            counts[index] += batch

    barrier = threading.Barrier(streams, action=lambda: start.__setitem__(0, time.perf_counter()))
    threads = [threading.Thread(target=stream, args=(i,)) for i in range(streams)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start[0])


__all__ = ["network_positions_per_s"]
