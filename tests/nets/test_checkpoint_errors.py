"""Checkpoint errors that name what was found: the foreign format's name, and a file whose
tensors cannot be read after its header was (truncated or replaced between the two reads)."""
from __future__ import annotations

import re

import pytest
import torch
from safetensors import SafetensorError
from safetensors.torch import save_file

import nets.checkpoint
from nets.checkpoint import CheckpointError, CheckpointInfo, load_checkpoint, read_info, save_checkpoint
from nets.config import NetConfig
from nets.models import build_network


def test_a_foreign_file_is_refused_naming_its_format(tmp_path):
    path = tmp_path / "foreign.safetensors"
    save_file({"w": torch.zeros(2)}, str(path), metadata={"format": "someone-else"})
    with pytest.raises(CheckpointError, match=re.escape("not a Tengen checkpoint (format 'someone-else')")):
        read_info(path)


def test_tensors_that_cannot_be_read_after_the_header_name_the_file(tmp_path, monkeypatch):
    config = NetConfig(kind="policy", filters=8, layers=2)
    path = tmp_path / "net.safetensors"
    save_checkpoint(path, build_network(config), CheckpointInfo(config))

    def truncated_meanwhile(_name):
        raise SafetensorError("incomplete metadata, file not fully covered")

    monkeypatch.setattr(nets.checkpoint, "load_file", truncated_meanwhile)
    with pytest.raises(CheckpointError, match=f"^{re.escape(str(path))}: corrupt or truncated checkpoint \\(incomplete"):
        load_checkpoint(path)


def rewrite_metadata(path, change) -> None:
    """Rewrite the checkpoint at ``path`` with ``change(metadata)`` applied, tensors kept."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        metadata = dict(handle.metadata())
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}
    change(metadata)
    save_file(tensors, str(path), metadata=metadata)


@pytest.fixture
def saved(tmp_path):
    config = NetConfig(kind="policy", filters=8, layers=2)
    path = tmp_path / "net.safetensors"
    save_checkpoint(path, build_network(config), CheckpointInfo(config, (5, 9), step=3, provenance={"p": 1}))
    return path


def test_the_format_version_read_is_the_one_written(saved):
    info = read_info(saved)
    assert info.format_version == 1 and info.board_sizes == (5, 9) and info.step == 3 and info.provenance == {"p": 1}


def test_a_checkpoint_without_a_format_version_is_refused_as_version_0(saved):
    rewrite_metadata(saved, lambda metadata: metadata.pop("format_version"))
    with pytest.raises(CheckpointError, match="checkpoint format version 0, this Tengen reads version 1"):
        read_info(saved)


@pytest.mark.parametrize("key, value", [("net_config", "{not json"), ("step", "three")])
def test_bad_metadata_is_refused_naming_the_file(saved, key, value):
    rewrite_metadata(saved, lambda metadata: metadata.__setitem__(key, value))
    with pytest.raises(CheckpointError, match=f"^{re.escape(str(saved))}: bad checkpoint metadata \\("):
        read_info(saved)
