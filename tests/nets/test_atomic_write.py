"""Atomic writes: where the temporary lives, what a failed write leaves, folders made on demand,
and the metadata a checkpoint's header carries for tools that read only the header."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from safetensors import safe_open

from common.files import atomic_write
from nets.checkpoint import CheckpointInfo, save_checkpoint
from nets.config import NetConfig
from nets.models import build_network


def test_the_temporary_sits_beside_the_target_and_is_renamed_over_it(tmp_path):
    target = tmp_path / "deep" / "er" / "file.bin"  # folders that do not exist yet
    seen: list[Path] = []

    def write(temporary: str) -> None:
        seen.append(Path(temporary))
        Path(temporary).write_bytes(b"new")

    atomic_write(target, write)
    assert target.read_bytes() == b"new"
    [temporary] = seen
    assert temporary.parent == target.parent  # one file system: the rename is atomic
    assert temporary.name.startswith("file.bin") and temporary.name.endswith(".tmp") and not temporary.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.bin"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")

    def broken(temporary: str) -> None:
        Path(temporary).write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.bin"]


def test_a_checkpoint_goes_into_folders_that_do_not_exist_and_its_header_names_its_features(tmp_path):
    config = NetConfig(filters=8, layers=2)
    path = tmp_path / "a" / "b" / "policy.safetensors"
    save_checkpoint(path, build_network(config), CheckpointInfo(config, (5, 9), step=7, provenance={"stage": "sl"}))
    with safe_open(str(path), framework="pt") as handle:
        metadata = handle.metadata()
    assert metadata["format"] == "tengen-checkpoint" and metadata["format_version"] == "1"
    assert metadata["feature_set"] == config.feature_set
    assert json.loads(metadata["board_sizes"]) == [5, 9] and metadata["step"] == "7"
    assert json.loads(metadata["provenance"]) == {"stage": "sl"}
