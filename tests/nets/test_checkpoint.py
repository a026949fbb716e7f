"""Checkpoints: round trip bit for bit, and a clear error for every kind of bad file."""
from __future__ import annotations

import json
import re

import pytest
import torch

from nets.checkpoint import FORMAT_VERSION, CheckpointError, CheckpointInfo, load_checkpoint, read_info, save_checkpoint
from nets.config import NetConfig
from nets.models import build_network

CONFIGS = [NetConfig(kind="policy", filters=16, layers=3), NetConfig(kind="value", feature_set="alphago49", filters=8, layers=2),
           NetConfig(kind="dual", filters=16, blocks=2)]


@pytest.mark.parametrize("config", CONFIGS, ids=[c.kind for c in CONFIGS])
def test_round_trip_is_bit_for_bit(config, tmp_path):
    torch.manual_seed(0)
    model = build_network(config).eval()
    path = tmp_path / "net.safetensors"
    save_checkpoint(path, model, CheckpointInfo(config, (9, 13), step=42, provenance={"data": "test"}))
    loaded, info = load_checkpoint(path, expected_feature_set=config.feature_set, expected_kind=config.kind)
    assert info.config == config and info.board_sizes == (9, 13) and info.step == 42 and info.provenance == {"data": "test"}
    planes = torch.rand(3, config.input_planes, 9, 9)
    with torch.inference_mode():
        before, after = model(planes), loaded(planes)
    for a, b in zip(before if isinstance(before, tuple) else (before,), after if isinstance(after, tuple) else (after,)):
        assert torch.equal(a, b)
    assert [p.name for p in tmp_path.iterdir()] == ["net.safetensors"]  # no temporary file left


@pytest.fixture
def saved(tmp_path):
    config = CONFIGS[0]
    path = tmp_path / "net.safetensors"
    save_checkpoint(path, build_network(config), CheckpointInfo(config))
    return path


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="no such checkpoint file"):
        load_checkpoint(tmp_path / "nothing.safetensors")


def test_truncated_file(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        load_checkpoint(saved)


def test_garbage_file(tmp_path):
    path = tmp_path / "garbage.safetensors"
    path.write_bytes(b"\x00" * 100)
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        read_info(path)


def test_wrong_format_version(tmp_path):
    path = tmp_path / "future.safetensors"
    save_checkpoint(path, build_network(CONFIGS[0]), CheckpointInfo(CONFIGS[0], format_version=99))
    with pytest.raises(CheckpointError, match="format version 99, this Tengen reads version 1"):
        load_checkpoint(path)


def test_feature_set_and_kind_mismatch(saved):
    with pytest.raises(CheckpointError, match="trained on feature set 'alphago48', but 'history17' is needed"):
        load_checkpoint(saved, expected_feature_set="history17")
    with pytest.raises(CheckpointError, match="a policy network, but a value network is needed"):
        load_checkpoint(saved, expected_kind="value")


def test_weights_that_do_not_match_the_config(tmp_path):
    path = tmp_path / "mismatch.safetensors"
    bigger = NetConfig(kind="policy", filters=32, layers=3)
    save_checkpoint(path, build_network(bigger), CheckpointInfo(CONFIGS[0]))  # metadata lies about the shape
    with pytest.raises(CheckpointError, match="weights do not match the stored NetConfig"):
        load_checkpoint(path)


def test_not_a_tengen_checkpoint(tmp_path):
    from safetensors.torch import save_file

    path = tmp_path / "foreign.safetensors"
    save_file({"w": torch.zeros(2)}, str(path))
    with pytest.raises(CheckpointError, match="not a Tengen checkpoint"):
        load_checkpoint(path)


def rewrite_tensors(path, change) -> None:
    """Rewrite the checkpoint at ``path`` with ``change(tensors)`` applied, metadata kept."""
    from safetensors import safe_open
    from safetensors.torch import save_file

    with safe_open(str(path), framework="pt") as handle:
        metadata = handle.metadata()
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}
    change(tensors)
    save_file(tensors, str(path), metadata=metadata)


def test_a_checkpoint_missing_a_tensor_is_refused(saved):
    rewrite_tensors(saved, lambda tensors: tensors.pop("head.weight"))
    assert read_info(saved).config == CONFIGS[0]  # the metadata alone still reads
    with pytest.raises(CheckpointError, match=f"^{re.escape(str(saved))}: weights do not match the stored NetConfig"):
        load_checkpoint(saved)


def test_a_checkpoint_with_an_unexpected_tensor_is_refused(saved):
    rewrite_tensors(saved, lambda tensors: tensors.update({"head.extra": torch.zeros(3)}))
    with pytest.raises(CheckpointError, match=f"^{re.escape(str(saved))}: weights do not match the stored NetConfig"):
        load_checkpoint(saved)


@pytest.mark.parametrize("change, name", [(lambda t: t.pop("head.weight"), "head.weight"),
                                          (lambda t: t.update({"head.extra": torch.zeros(3)}), "head.extra")],
                         ids=["missing", "unexpected"])
def test_the_refusal_names_the_tensor(saved, change, name):
    rewrite_tensors(saved, change)
    with pytest.raises(CheckpointError) as refused:
        load_checkpoint(saved)
    assert str(saved) in str(refused.value) and name in str(refused.value)


def test_the_header_lists_the_networks_heads(tmp_path):
    from nets.checkpoint import read_metadata

    for config in CONFIGS + [NetConfig(kind="zero", feature_set="zero50", filters=8, blocks=2, value_hidden=8)]:
        path = tmp_path / f"{config.kind}.safetensors"
        save_checkpoint(path, build_network(config), CheckpointInfo(config))
        assert json.loads(read_metadata(path)["heads"]) == list(config.heads), config.kind
        assert read_info(path).format_version == FORMAT_VERSION  # the version read is the one written
