"""Many games played in lockstep by policy networks: every move of every game whose turn it is
for a given network is one batched forward pass. The machinery under the RL and value stages.

Moves are sampled from the network's softmax over ``GameState.candidate_mask`` (the legal moves,
own true eyes excluded, pass only when nothing else is left) at a ``temperature``; a game ends at two passes or ``max_moves``
moves and is scored by area (Tromp-Taylor) with komi.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from gogame.board_nb import BLACK
from gogame.coords import PASS, from_policy_index
from gogame.features import feature_set
from gogame.game import GameState
from gogame.rules import Rules
from gogame.scoring_nb import result_for_nb


@torch.inference_mode()
def policy_logits(model: torch.nn.Module, games: list[GameState], device: torch.device) -> np.ndarray:
    """The model's logits for each game's side to move, (B, size*size + 1)."""
    features = feature_set(model.config.feature_set)
    planes = features.extract_batch(games)
    out = model(torch.from_numpy(planes).to(device))
    out = out[0] if isinstance(out, tuple) else out
    return out.float().cpu().numpy()


def sample_moves(logits: np.ndarray, masks: np.ndarray, rng: np.random.Generator, temperature: float = 1.0) -> np.ndarray:
    """Policy indices drawn from softmax(logits / temperature) over each row's legal moves
    (argmax at temperature 0)."""
    masked = np.where(masks, logits, -np.inf)
    if temperature <= 0:
        return masked.argmax(axis=1)
    scaled = masked / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    probabilities = np.exp(scaled)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    cumulative = probabilities.cumsum(axis=1)
    draws = rng.random((len(logits), 1))
    return np.minimum((cumulative < draws).sum(axis=1), logits.shape[1] - 1)


@dataclass
class Trajectory:
    """One game from one player's view: the positions it moved in (planes), its actions (policy
    indices) and the game's outcome for it (+1 win, -1 loss, 0 tie)."""

    planes: list[np.ndarray] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    masks: list[np.ndarray] = field(default_factory=list)
    outcome: float = 0.0


def outcome_for(game: GameState, color: int) -> float:
    """The finished game's result for ``color`` (+1, -1, 0), by its area score."""
    return float(result_for_nb(game.score().margin, color))


def play_lockstep(players: dict[int, torch.nn.Module], count: int, size: int, komi: float, device: torch.device,
                  rng: np.random.Generator, record_color: int | None = None, temperature: float = 1.0,
                  max_moves: int | None = None, record_features: str | None = None) -> tuple[list[GameState], list[Trajectory]]:
    """Play ``count`` games with ``players[BLACK]`` and ``players[WHITE]`` (networks); when
    ``record_color`` is set, return that colour's trajectories (planes of ``record_features``,
    default the player's own feature set)."""
    games = [GameState(size, Rules(ko="simple", komi=komi)) for _ in range(count)]
    trajectories = [Trajectory() for _ in range(count)]
    limit = max_moves or 2 * size * size
    features = feature_set(record_features) if record_features else None
    while True:
        active = {i for i, g in enumerate(games) if not g.is_over and len(g.moves) < limit}
        if not active:
            break
        for color in (BLACK, 3 - BLACK):
            turn = [i for i in sorted(active) if games[i].to_move == color]
            if not turn:
                continue
            batch = [games[i] for i in turn]
            model = players[color]
            logits = policy_logits(model, batch, device)
            masks = np.stack([g.candidate_mask() for g in batch])
            choices = sample_moves(logits, masks, rng, temperature)
            for i, game, choice in zip(turn, batch, choices):
                if color == record_color:
                    source = features or feature_set(model.config.feature_set)
                    trajectories[i].planes.append(np.packbits(source.extract(game).astype(bool)))
                    trajectories[i].actions.append(int(choice))
                    trajectories[i].masks.append(masks[turn.index(i)])
                game.play(from_policy_index(int(choice), size) if choice < size * size else PASS)
    if record_color is not None:
        for trajectory, game in zip(trajectories, games):
            trajectory.outcome = outcome_for(game, record_color)
    return games, trajectories
