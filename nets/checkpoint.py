"""Versioned checkpoints without pickle: tensors in safetensors, everything else as JSON in the
file's metadata (format version, NetConfig, feature set, board sizes, step, provenance).

Written atomically (a temporary file, fsync, rename), so a killed run never leaves half a file.
Every loading failure raises :class:`CheckpointError` saying which file and why.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from common.files import atomic_write

from .config import NetConfig
from .models import build_network

FORMAT_NAME = "tengen-checkpoint"
FORMAT_VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint that is missing, corrupt, of another format version, or does not match."""


@dataclass(frozen=True)
class CheckpointInfo:
    """The metadata of a checkpoint."""

    config: NetConfig
    board_sizes: tuple[int, ...] = (9,)
    step: int = 0
    provenance: dict = field(default_factory=dict)
    format_version: int = FORMAT_VERSION


def save_checkpoint(path: str | Path, model: torch.nn.Module, info: CheckpointInfo) -> None:
    """Write ``model``'s weights and ``info`` to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "format": FORMAT_NAME,
        "format_version": str(info.format_version),
        "net_config": json.dumps(info.config.to_dict()),
        "feature_set": info.config.feature_set,
        "board_sizes": json.dumps(list(info.board_sizes)),
        "heads": json.dumps(list(info.config.heads)),  # what the network outputs; older files: from the kind
        "step": str(info.step),
        "provenance": json.dumps(info.provenance),
    }
    tensors = {name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()}
    atomic_write(path, lambda temporary: save_file(tensors, temporary, metadata=metadata))


def read_metadata(path: Path, what: str = "checkpoint", framework: str = "pt") -> dict[str, str]:
    """The metadata in the header of the safetensors file ``path``; CheckpointError when the file
    is missing, corrupt or truncated (``what`` names the kind of file in the message)."""
    if not path.is_file():
        raise CheckpointError(f"{path}: no such {what} file")
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework=framework) as handle:
            return handle.metadata() or {}
    except (SafetensorError, OSError, ValueError) as error:
        raise CheckpointError(f"{path}: corrupt or truncated {what} ({error})") from None


def read_info(path: str | Path) -> CheckpointInfo:
    """The metadata of a checkpoint, checked; raises CheckpointError."""
    path = Path(path)
    metadata = read_metadata(path)
    if metadata.get("format") != FORMAT_NAME:
        raise CheckpointError(f"{path}: not a Tengen checkpoint (format {metadata.get('format')!r})")
    version = int(metadata.get("format_version", "0"))
    if version != FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format version {version}, this Tengen reads version {FORMAT_VERSION}")
    try:
        config = NetConfig.from_dict(json.loads(metadata["net_config"]))
        return CheckpointInfo(config, tuple(json.loads(metadata["board_sizes"])), int(metadata["step"]),
                              json.loads(metadata["provenance"]), version)
    except (KeyError, ValueError, TypeError) as error:
        raise CheckpointError(f"{path}: bad checkpoint metadata ({error})") from None


def _state_dict_mismatches(expected: dict[str, torch.Tensor], stored: dict[str, torch.Tensor]) -> list[str]:
    """What keeps ``stored`` from loading into a network whose state dict is ``expected``: each
    missing and each unexpected tensor by name, each shape that differs."""
    problems = [f"missing tensor {name}" for name in sorted(set(expected) - set(stored))]
    problems += [f"unexpected tensor {name}" for name in sorted(set(stored) - set(expected))]
    problems += [f"tensor {name} has shape {tuple(stored[name].shape)}, the network needs {tuple(tensor.shape)}"
                 for name, tensor in expected.items() if name in stored and stored[name].shape != tensor.shape]
    return problems


def load_checkpoint(path: str | Path, expected_feature_set: str | None = None,
                    expected_kind: str | None = None) -> tuple[torch.nn.Module, CheckpointInfo]:
    """The network and its metadata; refuses a feature set or kind other than the expected."""
    path = Path(path)
    info = read_info(path)
    if expected_feature_set is not None and info.config.feature_set != expected_feature_set:
        raise CheckpointError(f"{path}: trained on feature set {info.config.feature_set!r}, "
                              f"but {expected_feature_set!r} is needed")
    if expected_kind is not None and info.config.kind != expected_kind:
        raise CheckpointError(f"{path}: a {info.config.kind} network, but a {expected_kind} network is needed")
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as error:
        raise CheckpointError(f"{path}: corrupt or truncated checkpoint ({error})") from None
    model = build_network(info.config)
    problems = _state_dict_mismatches(model.state_dict(), tensors)
    if problems:
        raise CheckpointError(f"{path}: weights do not match the stored NetConfig ({'; '.join(problems)})")
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as error:
        raise CheckpointError(f"{path}: weights do not match the stored NetConfig ({str(error).splitlines()[0]})") from None
    model.eval()
    return model, info
