"""Resumable training state: a resumed run continues exactly as the uninterrupted one would, and a
state that does not fit the networks (a tensor missing or extra, a torn file) is refused."""
from __future__ import annotations

import re

import pytest
import torch

from nets.config import NetConfig
from nets.models import build_network
from training.state import load_training_state, save_training_state

CONFIG = NetConfig(filters=8, layers=2)


def part(seed: int):
    torch.manual_seed(seed)
    model = build_network(CONFIG)
    return model, torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)


def step(model, optimizer, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    planes = torch.rand(4, CONFIG.input_planes, 5, 5, generator=generator)
    loss = torch.nn.functional.cross_entropy(model(planes), torch.tensor([0, 3, 7, 25]))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


@pytest.fixture
def saved(tmp_path):
    model, optimizer = part(0)
    step(model, optimizer, 1)
    path = tmp_path / "training-state.safetensors"
    save_training_state(path, {"policy": (model, optimizer)}, 17, {"pool": ["a.safetensors"]})
    return path, model, optimizer


def test_a_resumed_run_continues_as_the_uninterrupted_one(saved):
    path, model, optimizer = saved
    resumed, resumed_optimizer = part(5)  # other initial weights, no momentum yet
    assert load_training_state(path, {"policy": (resumed, resumed_optimizer)}) == (17, {"pool": ["a.safetensors"]})
    for name, tensor in model.state_dict().items():
        assert torch.equal(resumed.state_dict()[name], tensor), name
    step(model, optimizer, 2)  # the next step, with momentum, is the same in both
    step(resumed, resumed_optimizer, 2)
    for name, tensor in model.state_dict().items():
        assert torch.equal(resumed.state_dict()[name], tensor), name


def rewrite(path, change) -> None:
    from safetensors import safe_open
    from safetensors.torch import save_file

    with safe_open(str(path), framework="pt") as handle:
        metadata = handle.metadata()
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}
    change(tensors)
    save_file(tensors, str(path), metadata=metadata)


@pytest.mark.parametrize("change", [lambda t: t.pop("policy.model.head.weight"),
                                    lambda t: t.update({"policy.model.head.extra": torch.zeros(2)})],
                         ids=["missing", "unexpected"])
def test_a_state_that_does_not_fit_the_network_is_refused(saved, change):
    path, _, _ = saved
    rewrite(path, change)
    model, optimizer = part(5)
    with pytest.raises(ValueError, match=f"^{re.escape(str(path))}: cannot resume from this training state"):
        load_training_state(path, {"policy": (model, optimizer)})


def test_a_torn_state_is_refused(saved):
    path, _, _ = saved
    path.write_bytes(path.read_bytes()[:100])
    model, optimizer = part(5)
    with pytest.raises(ValueError, match="cannot resume from this training state.*delete it"):
        load_training_state(path, {"policy": (model, optimizer)})


def test_a_state_without_extra_data_resumes_with_an_empty_dict(saved):
    from safetensors import safe_open
    from safetensors.torch import save_file

    path, model, _ = saved
    with safe_open(str(path), framework="pt") as handle:
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}
    save_file(tensors, str(path), metadata={"step": "17"})  # only the step, as the SL and value stages need
    resumed, resumed_optimizer = part(5)
    assert load_training_state(path, {"policy": (resumed, resumed_optimizer)}) == (17, {})
    for name, tensor in model.state_dict().items():
        assert torch.equal(resumed.state_dict()[name], tensor), name
