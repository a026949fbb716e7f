"""Where torch work runs: the one place that turns ``auto``/``cpu``/``cuda`` into a device.
Imports torch only when a device is picked, so that settings can name the choices torch-free."""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    import torch

Device = Literal["auto", "cpu", "cuda"]
"""The device setting's choices (``nets.device``, the training stages' ``device``)."""


def pick_device(device: str) -> "torch.device":
    """``auto`` (CUDA when present), ``cpu`` or ``cuda``; a clear error when CUDA is missing."""
    import torch

    if device not in get_args(Device):
        raise ValueError(f"unknown device {device!r}: expected auto, cpu or cuda")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device cuda was asked for (--device or the device setting), but this torch has no CUDA device")
    return torch.device(device)


__all__ = ["Device", "pick_device"]
