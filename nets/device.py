"""Where torch work runs: the one place that turns ``auto``/``cpu``/``cuda`` into a device."""
from __future__ import annotations

import torch


def pick_device(device: str) -> torch.device:
    """``auto`` (CUDA when present), ``cpu`` or ``cuda``; a clear error when CUDA is missing."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for, but this torch has no CUDA device")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"unknown device {device!r}: expected auto, cpu or cuda")
    return torch.device(device)


__all__ = ["pick_device"]
