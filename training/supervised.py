"""Stage 1: supervised policy learning on shards (AlphaGo's SL policy network).

Minibatches are drawn from the training split with a random one of the 8 symmetries each;
SGD with momentum and a step learning-rate schedule; top-1 / top-5 accuracy on the held-out games.
Everything a run produces lives in its ``out`` folder: ``config.json``, ``log.csv``, ``sl.png``,
``policy.safetensors`` (the network, a normal checkpoint) and ``training-state.safetensors``
(network, momentum, step: how a killed run resumes). Both are written atomically every
``checkpoint_every`` steps by the run skeleton (:mod:`training.run`); nothing is pickled. Once the network is done, the fast rollout policy
is trained on the same games (``rollout.safetensors``, its held-out accuracy in ``rollout.json``).
"""
from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from gogame.symmetry import policy_index_map, transform_array
from common.files import atomic_write
from nets.checkpoint import CheckpointInfo
from nets.device import Device, pick_device
from nets.models import build_network

from .dataset import load_split, read_sidecar
from .rollout import train_rollout_policy
from .run import Run
from .sections import MinibatchSGD, NetShape


@dataclass(frozen=True)
class HalvingSGD(MinibatchSGD):
    """Minibatch SGD whose learning rate halves every ``lr_halving_steps`` steps."""

    lr_halving_steps: int = 1000

    def learning_rate_at(self, step: int) -> float:
        """The rate of the step after ``step`` steps: ``learning_rate`` halved every ``lr_halving_steps``."""
        return self.learning_rate * 0.5 ** (step // max(self.lr_halving_steps, 1))


@dataclass(frozen=True)
class SLConfig:
    """data: shard folder; out: run folder; ``net``: the network's shape; ``optimizer``: SGD with
    momentum on minibatches, its learning rate halved every ``lr_halving_steps``; ``steps``
    minibatches; evaluation and checkpoints every so many steps."""

    data: str = "data/shards"
    out: str = "runs/sl"
    net: NetShape = NetShape(filters=64, layers=6)
    optimizer: HalvingSGD = HalvingSGD(learning_rate=0.05, momentum=0.9, weight_decay=1e-4, batch_size=128,
                                       lr_halving_steps=1000)
    steps: int = 2000
    eval_every: int = 200
    checkpoint_every: int = 200
    symmetries: bool = True
    device: Device = "auto"
    seed: int = 0
    rollout_policy: bool = True

    def __post_init__(self) -> None:
        if self.steps < 0 or self.checkpoint_every < 1 or self.eval_every < 1:
            raise ValueError(f"bad training settings (steps at least 0, eval_every and checkpoint_every at least 1): "
                             f"{self}")


def _augment(planes: np.ndarray, moves: np.ndarray, size: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.ascontiguousarray(transform_array(planes, k)), policy_index_map(size, k)[moves]


def accuracy(model: torch.nn.Module, planes: np.ndarray, moves: np.ndarray, device: torch.device,
             batch: int = 512) -> tuple[float, float, float]:
    """(top-1, top-5, mean cross-entropy) of ``model`` on the examples."""
    if len(moves) == 0:
        return 0.0, 0.0, 0.0
    model.eval()
    top1 = top5 = loss = 0.0
    with torch.inference_mode():
        for start in range(0, len(moves), batch):
            x = torch.from_numpy(planes[start:start + batch]).to(device)
            y = torch.from_numpy(moves[start:start + batch]).to(device)
            logits = model(x)
            loss += F.cross_entropy(logits, y, reduction="sum").item()
            best5 = logits.topk(5, dim=1).indices
            top1 += (best5[:, 0] == y).sum().item()
            top5 += (best5 == y[:, None]).any(dim=1).sum().item()
    model.train()
    return top1 / len(moves), top5 / len(moves), loss / len(moves)


LOG_FIELDS = ["step", "loss", "heldout_top1", "heldout_top5", "heldout_loss", "learning_rate", "seconds"]


def plot_log(log_path: Path, png_path: Path, title: str) -> None:
    """Loss and held-out accuracy against steps, as a PNG beside the CSV."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(csv.DictReader(log_path.open()))
    if not rows:
        return
    steps = [int(r["step"]) for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(steps, [float(r["loss"]) for r in rows], label="train loss")
    left.plot(steps, [float(r["heldout_loss"]) for r in rows], label="held-out loss")
    left.set_xlabel("step")
    left.legend()
    right.plot(steps, [float(r["heldout_top1"]) for r in rows], label="held-out top-1")
    right.plot(steps, [float(r["heldout_top5"]) for r in rows], label="held-out top-5")
    right.set_xlabel("step")
    right.set_ylim(0, 1)
    right.legend()
    figure.suptitle(title)
    figure.tight_layout()
    atomic_write(png_path, lambda temporary: figure.savefig(temporary, format="png"))
    plt.close(figure)


def train_sl(config: SLConfig, progress: Callable[[int, int, float], None] | None = None) -> dict:
    """Train (or resume) the SL policy network; returns the last evaluation."""
    out = Path(config.out)
    sidecar = read_sidecar(config.data)
    net_config = config.net.network("policy", sidecar["feature_set"])
    run = Run(out, {"sl": asdict(config), "network": net_config.to_dict()}, LOG_FIELDS, "policy.safetensors",
              same=("network",))
    device = pick_device(config.device)
    torch.manual_seed(config.seed)
    model = build_network(net_config).to(device)
    optimizer = config.optimizer.build(model.parameters())
    parts = {"policy": (model, optimizer)}
    step, _ = run.resume(parts)
    train = load_split(config.data, "train", sidecar["feature_set"])
    heldout = load_split(config.data, "heldout", sidecar["feature_set"])
    if len(train.moves) == 0:
        raise ValueError(f"{config.data}: the training split is empty")
    size = sidecar["size"]
    rng = np.random.default_rng([config.seed, step])

    def train_step(step: int) -> float:
        for group in optimizer.param_groups:
            group["lr"] = config.optimizer.learning_rate_at(step)
        chosen = rng.integers(0, len(train.moves), config.optimizer.batch_size)
        planes, moves = train.planes[chosen], train.moves[chosen]
        if config.symmetries:
            planes, moves = _augment(planes, moves, size, int(rng.integers(8)))
        logits = model(torch.from_numpy(planes).to(device))
        loss = F.cross_entropy(logits, torch.from_numpy(moves).to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    def report(step: int, losses: list[float]) -> dict:
        top1, top5, heldout_loss = accuracy(model, heldout.planes, heldout.moves, device)
        return {"step": step, "loss": float(np.mean(losses)), "heldout_top1": top1, "heldout_top5": top5,
                "heldout_loss": heldout_loss, "learning_rate": config.optimizer.learning_rate_at(step - 1)}

    model.train()
    evaluation = run.train(
        parts, step, config.steps, train_step, report, model,
        CheckpointInfo(net_config, (size,), provenance={"stage": "sl", "data": str(config.data)}),
        every=(config.eval_every, config.checkpoint_every),
        plot=lambda row: plot_log(run.log_path, out / "sl.png",
                                  f"SL policy ({net_config.filters} filters, {net_config.layers} layers)"),
        progress=(lambda step, loss: progress(step, config.steps, loss)) if progress else None)
    if config.rollout_policy and not (out / "rollout.safetensors").exists():
        rollout = train_rollout_policy(config.data, out / "rollout.safetensors", seed=config.seed)
        atomic_write(out / "rollout.json", lambda t: Path(t).write_text(json.dumps(rollout, indent=2)))
    return evaluation
