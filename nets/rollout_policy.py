"""AlphaGo's fast rollout policy as a thin class over :mod:`nets.rollout_nb`, with its own small
versioned file format (safetensors: one weight vector plus JSON metadata)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from gogame.game import GameState
from gogame.playout_nb import make_rng_state

from . import rollout_nb as kernels
from common.files import atomic_write

from .checkpoint import CheckpointError, read_metadata

FORMAT_NAME = "tengen-rollout-policy"
FORMAT_VERSION = 1


class RolloutPolicy:
    """A weight vector of ``rollout_nb.WEIGHTS`` float64 entries (zeros: uniformly random)."""

    def __init__(self, weights: np.ndarray | None = None, seed: int = 0) -> None:
        if weights is None:
            weights = np.zeros(kernels.WEIGHTS, np.float64)
        if weights.shape != (kernels.WEIGHTS,):
            raise ValueError(f"a rollout policy has {kernels.WEIGHTS} weights, not {weights.shape}")
        self.weights = weights.astype(np.float64)
        self.rng_state = make_rng_state(seed)

    def probabilities(self, game: GameState) -> dict[int, float]:
        """pi(move) for each candidate of the side to move."""
        npts = (game.size + 2) ** 2
        points = np.empty(npts, np.int64)
        probabilities = np.empty(npts, np.float64)
        n = kernels.policy_nb(game.board.array, game.to_move, self.weights, points, probabilities,
                              np.zeros(npts, np.int64), 0)
        return {int(points[i]): float(probabilities[i]) for i in range(n)}

    def playout(self, game: GameState) -> int:
        """Play a rollout from ``game`` (not mutated); the final area score, Black minus White."""
        board = game.board.array.copy()
        return int(kernels.policy_playout_nb(board, game.to_move, self.weights, self.rng_state, 3 * game.size ** 2))

    def train_step(self, game: GameState, move: int, learning_rate: float = 0.01) -> float:
        """One SGD step towards playing ``move`` in ``game``; returns log pi(move) before it."""
        npts = (game.size + 2) ** 2
        return float(kernels.sgd_step_nb(game.board.array, game.to_move, move, self.weights, learning_rate,
                                         np.zeros(npts, np.int64)))

    def save(self, path: str | Path, step: int = 0, provenance: dict | None = None) -> None:
        metadata = {"format": FORMAT_NAME, "format_version": str(FORMAT_VERSION), "step": str(step),
                    "provenance": json.dumps(provenance or {})}
        weights = {"weights": self.weights.astype(np.float32)}
        atomic_write(path, lambda temporary: save_file(weights, temporary, metadata=metadata))

    @classmethod
    def load(cls, path: str | Path, seed: int = 0) -> "RolloutPolicy":
        path = Path(path)
        metadata = read_metadata(path, "rollout policy", framework="numpy")
        try:
            tensors = load_file(str(path))
        except (SafetensorError, OSError, ValueError) as error:
            raise CheckpointError(f"{path}: corrupt or truncated rollout policy ({error})") from None
        if metadata.get("format") != FORMAT_NAME:
            raise CheckpointError(f"{path}: not a Tengen rollout policy (format {metadata.get('format')!r})")
        if int(metadata.get("format_version", "0")) != FORMAT_VERSION:
            raise CheckpointError(f"{path}: rollout policy format version {metadata.get('format_version')}, "
                                  f"this Tengen reads version {FORMAT_VERSION}")
        try:
            return cls(tensors["weights"].astype(np.float64), seed)
        except (KeyError, ValueError) as error:
            raise CheckpointError(f"{path}: bad rollout policy weights ({error})") from None
