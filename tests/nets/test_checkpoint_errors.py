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
