"""Speed of the networks alone: forward passes per second on random planes, no features, no tree."""
from __future__ import annotations

import time

import torch


@torch.inference_mode()
def network_positions_per_s(networks, batch: int, size: int, device: torch.device, dtype, seconds: float) -> float:
    """Positions per second through all of ``networks`` (None entries skipped) at ``batch``,
    on ``device`` in ``dtype``, timed for about ``seconds`` after three warm-up calls."""
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


__all__ = ["network_positions_per_s"]
