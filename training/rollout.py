"""Training AlphaGo's fast rollout policy (:mod:`nets.rollout_policy`) on the positions of the
games a shard folder was made from: one SGD step per position, then top-1 accuracy on the
held-out games. Part of the SL stage."""
from __future__ import annotations

from pathlib import Path

from gogame.coords import PASS
from gogame.rules import Rules
from gogame.sgf import replay
from nets.rollout_policy import RolloutPolicy

from .dataset import iter_games


def _positions(record):
    for game, color, pt in replay(record, Rules(ko="simple")):
        game.to_move = color
        yield game, pt


def train_rollout_policy(data: str | Path, out: str | Path, epochs: int = 1, learning_rate: float = 0.05,
                         seed: int = 0) -> dict:
    """Train and save ``out`` (atomically); returns positions seen and held-out top-1 accuracy."""
    policy = RolloutPolicy(seed=seed)
    seen = 0
    for _ in range(epochs):
        for record in iter_games(data, "train"):
            for game, pt in _positions(record):
                if pt != PASS:
                    policy.train_step(game, pt, learning_rate)
                    seen += 1
    hits = total = 0
    for record in iter_games(data, "heldout"):
        for game, pt in _positions(record):
            if pt == PASS:
                continue
            probabilities = policy.probabilities(game)
            if probabilities:
                hits += max(probabilities, key=probabilities.get) == pt
                total += 1
    result = {"positions": seen, "heldout_top1": hits / total if total else 0.0, "heldout_positions": total}
    policy.save(out, step=seen, provenance={"stage": "sl-rollout", "data": str(data), **result})
    return result
