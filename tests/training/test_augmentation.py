"""Supervised training sees every minibatch under one of the 8 board symmetries: the planes and the
move labels must be transformed together. Checked on ``_augment`` for each symmetry, on the
minibatches the training loop actually feeds the network, and by what the network learns from a
synthetic shard set in which the move is told only by a mark at its point."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch.nn import functional as F

import training.supervised as supervised
from common.settings import apply_settings
from gogame.symmetry import SYMMETRIES, policy_index_map, transform_array
from nets.checkpoint import load_checkpoint
from training.dataset import FORMAT_NAME, FORMAT_VERSION, load_split
from training.supervised import SLConfig, _augment, accuracy, train_sl

SIZE = 5
POINTS = SIZE * SIZE
CUE = 1  # policy index (0, 1): its images under the 8 symmetries are 8 different points


def marked(moves: np.ndarray, planes: int = 48) -> np.ndarray:
    """(N, planes, 5, 5) planes: plane 0 marks every image of the move under the 8 symmetries
    (so it does not tell which one is the move), plane 1 marks the move itself, plane 2 marks the
    fixed CUE point (it tells which symmetry was applied), plane 3 is ones."""
    out = np.zeros((len(moves), planes, SIZE, SIZE), np.float32)
    for i, move in enumerate(moves):
        if move == POINTS:  # pass: no point to mark
            continue
        for k in SYMMETRIES:
            out[i, 0].flat[policy_index_map(SIZE, k)[move]] = 1.0
        out[i, 1].flat[move] = 1.0
    out[:, 2, CUE // SIZE, CUE % SIZE] = 1.0
    out[:, 3] = 1.0
    return out


def symmetry_of(planes: np.ndarray) -> int:
    """Which symmetry took the CUE mark (plane 2) where it is in ``planes`` (C, 5, 5)."""
    where = int(np.flatnonzero(planes[2])[0])
    return next(k for k in SYMMETRIES if policy_index_map(SIZE, k)[CUE] == where)


@pytest.mark.parametrize("k", SYMMETRIES)
def test_augment_moves_each_label_with_its_marked_point(k):
    moves = np.arange(POINTS + 1)  # every point, and pass
    planes = marked(moves, planes=4)
    planes[:, 3] = np.arange(POINTS).reshape(SIZE, SIZE)  # an asymmetric pattern on another plane
    out_planes, out_moves = _augment(planes, moves, SIZE, k)
    assert out_planes.shape == planes.shape and out_planes.flags["C_CONTIGUOUS"]
    assert np.array_equal(out_planes, transform_array(planes, k))  # all planes under the same symmetry
    assert symmetry_of(out_planes[0]) == k
    for move, label, plane in zip(moves[:-1], out_moves[:-1], out_planes[:-1, 1]):
        assert np.flatnonzero(plane).tolist() == [label], (k, move)
    assert out_moves[-1] == POINTS  # a pass stays a pass
    assert sorted(out_moves[:-1].tolist()) == list(range(POINTS))  # a permutation of the points


def test_augment_gives_eight_different_boards():
    planes = marked(np.array([5]), planes=4)
    boards = {_augment(planes, np.array([5]), SIZE, k)[0].tobytes() for k in SYMMETRIES}
    labels = {int(_augment(planes, np.array([5]), SIZE, k)[1][0]) for k in SYMMETRIES}
    assert len(boards) == 8 and len(labels) == 8


def write_shards(folder, train: int, heldout: int, seed: int):
    """A shard folder in the format of training.dataset, holding ``marked`` positions."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    not_centre = [i for i in range(POINTS) if i != (POINTS // 2)]  # the centre is its own image under all 8
    for split, count in (("train", train), ("heldout", heldout)):
        moves = rng.choice(not_centre, count)
        planes = marked(moves).astype(bool).reshape(count, -1)
        name = f"{split}-00000.npz"
        np.savez_compressed(folder / name, planes=np.packbits(planes, axis=1), moves=moves.astype(np.int16),
                            colors=np.ones(count, np.int8), outcomes=np.zeros(count, np.int8))
        names[split] = [name]
    sidecar = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "feature_set": "alphago48", "planes": 48,
               "size": SIZE, "games": {"train": train, "heldout": heldout},
               "positions": {"train": train, "heldout": heldout}, "skipped": {}, "shards": names}
    (folder / "dataset.json").write_text(json.dumps(sidecar))
    return folder


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    return write_shards(tmp_path_factory.mktemp("marked"), train=400, heldout=200, seed=3)


def tiny(data, out, **changes) -> SLConfig:
    return apply_settings(SLConfig(), {
        "data": str(data), "out": str(out), "net.filters": 8, "net.layers": 2, "optimizer.batch_size": 16, "steps": 40,
        "optimizer.learning_rate": 0.05, "optimizer.lr_halving_steps": 20, "eval_every": 1000, "checkpoint_every": 1000,
        "symmetries": True, "device": "cpu", "rollout_policy": False, **changes})


def test_the_training_loop_feeds_each_move_on_its_marked_point(shards, tmp_path, monkeypatch):
    """Record every training minibatch (the network's input and the cross-entropy targets)."""
    inputs, targets = [], []

    def cross_entropy(logits, target, **options):
        if not options:  # the training loss (accuracy() asks for reduction="sum")
            targets.append(target.numpy().copy())
        return F.cross_entropy(logits, target, **options)

    real_build = supervised.build_network

    def recording_build(config):
        model = real_build(config)
        model.register_forward_pre_hook(lambda module, args: inputs.append(args[0].numpy().copy()) if module.training
                                        else None)
        return model

    monkeypatch.setattr(supervised, "build_network", recording_build)
    monkeypatch.setattr(supervised, "F", SimpleNamespace(cross_entropy=cross_entropy))
    train_sl(tiny(shards, tmp_path, steps=40))
    assert len(inputs) == len(targets) == 40
    seen = set()
    for planes, moves in zip(inputs, targets):
        assert planes.shape == (16, 48, SIZE, SIZE)
        for example, move in zip(planes, moves):
            assert np.flatnonzero(example[1]).tolist() == [move]  # the label is where the move's mark went
        seen.update(symmetry_of(example) for example in planes)
    assert seen == set(SYMMETRIES)  # and the loop did use every symmetry


def test_symmetric_training_learns_to_play_on_the_mark(shards, tmp_path):
    """Plane 0 marks all 8 images of the move, plane 1 the move itself: with labels that follow
    the planes the network learns to play on plane 1's mark (chance: 1/24; playing any image of
    the move: about 1/6); with labels left behind, plane 1 says nothing about the label."""
    evaluation = train_sl(tiny(shards, tmp_path, steps=60))
    assert evaluation["heldout_top1"] >= 0.95 and evaluation["heldout_loss"] < 0.2, evaluation
    model, _ = load_checkpoint(tmp_path / "policy.safetensors")
    heldout = load_split(shards, "heldout")
    top1, top5, loss = accuracy(model, heldout.planes, heldout.moves, torch.device("cpu"))
    assert (top1, top5, loss) == pytest.approx((evaluation["heldout_top1"], evaluation["heldout_top5"],
                                                evaluation["heldout_loss"]), rel=1e-5)
