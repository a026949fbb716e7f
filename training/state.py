"""Resumable training state without pickle: the weights and SGD momentum of each (model,
optimizer) part as safetensors tensors, the step and any small extra data as JSON metadata.
Written atomically, so a killed run resumes from the last complete state."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from common.files import atomic_write


def save_training_state(path: str | Path, parts: dict[str, tuple[torch.nn.Module, torch.optim.Optimizer]], step: int,
                        extra: dict | None = None) -> None:
    tensors = {}
    for name, (model, optimizer) in parts.items():
        tensors.update({f"{name}.model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()})
        for index, parameter in enumerate(optimizer.param_groups[0]["params"]):
            buffer = optimizer.state.get(parameter, {}).get("momentum_buffer")
            if buffer is not None:
                tensors[f"{name}.momentum.{index}"] = buffer.detach().cpu().contiguous()
    metadata = {"step": str(step), "extra": json.dumps(extra or {})}
    atomic_write(path, lambda temporary: save_file(tensors, temporary, metadata=metadata))


def load_training_state(path: str | Path, parts: dict[str, tuple[torch.nn.Module, torch.optim.Optimizer]]) -> tuple[int, dict]:
    """Restore the parts in place; returns (step, extra). A bad file raises ValueError saying so."""
    try:
        with safe_open(str(path), framework="pt") as handle:
            keys = set(handle.keys())
            metadata = handle.metadata() or {}
            for name, (model, optimizer) in parts.items():
                prefix = f"{name}.model."
                model.load_state_dict({k[len(prefix):]: handle.get_tensor(k) for k in keys if k.startswith(prefix)})
                for index, parameter in enumerate(optimizer.param_groups[0]["params"]):
                    key = f"{name}.momentum.{index}"
                    if key in keys:
                        optimizer.state[parameter]["momentum_buffer"] = handle.get_tensor(key).to(parameter.device)
            return int(metadata["step"]), json.loads(metadata.get("extra", "{}"))
    except (SafetensorError, OSError, KeyError, RuntimeError, ValueError) as error:
        raise ValueError(f"{path}: cannot resume from this training state ({error}); "
                         f"delete it to start the run afresh") from None
