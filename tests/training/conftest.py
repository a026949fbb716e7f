"""Tiny 5x5 networks the training-stage tests start from (8 filters, 2 layers, random weights)."""
from __future__ import annotations

import pytest
import torch

from nets.checkpoint import CheckpointInfo, save_checkpoint
from nets.config import NetConfig
from nets.models import build_network


@pytest.fixture(scope="module")
def policies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("policies")
    torch.manual_seed(1)
    config = NetConfig(filters=8, layers=2)
    for name in ("sl", "rl"):
        save_checkpoint(folder / f"{name}.safetensors", build_network(config), CheckpointInfo(config, (5,)))
    return folder


@pytest.fixture(scope="module")
def sl_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    config = NetConfig(filters=8, layers=2)
    path = tmp_path_factory.mktemp("sl") / "policy.safetensors"
    save_checkpoint(path, build_network(config), CheckpointInfo(config, (5,)))
    return path
