"""The fast rollout policy trained on a shard folder's games: it learns the moves of its training
games, counts one step per move (passes left out) per epoch, records where it came from, and reads
games that are legal under the simple ko rule the shards use even where superko would forbid a move."""
from __future__ import annotations

import json

import numpy as np
import pytest
from safetensors import safe_open

from gogame.coords import PASS
from gogame.game import GameState
from gogame.rules import Rules
from gogame.sgf import game_to_record, record_to_game, start_position, write_sgf
from nets.rollout_policy import RolloutPolicy
from training.dataset import ShardConfig, build_shards
from training.rollout import train_rollout_policy


def random_game(seed: int, moves: int) -> GameState:
    """Random legal moves under the simple ko rule (passes only when nothing else is legal)."""
    rng = np.random.default_rng(seed)
    game = GameState(5, Rules(ko="simple", komi=0.5))
    for _ in range(moves):
        legal = [m for m in game.legal_moves() if m != PASS]
        game.play(int(rng.choice(legal)) if legal else PASS)
    return game


def shards_of(tmp_path, name, games) -> str:
    folder = tmp_path / f"{name}-games"
    folder.mkdir()
    for i, game in enumerate(games):
        (folder / f"{i}.sgf").write_bytes(write_sgf(game_to_record(game, result="B+0.5")))
    build_shards([folder], tmp_path / name, ShardConfig(size=5, heldout_fraction=0.0))
    return str(tmp_path / name)


def mean_log_probability(policy: RolloutPolicy, game: GameState) -> float:
    record = game_to_record(game)
    replay = start_position(record, Rules(ko="simple"))
    logs = []
    for color, pt in record.moves:
        replay.to_move = color
        probabilities = policy.probabilities(replay) if pt != PASS else {}
        if pt in probabilities:  # the policy's candidates leave out filling one's own eyes
            logs.append(np.log(probabilities[pt]))
        replay.play(pt, color)
    assert len(logs) > 10
    return float(np.mean(logs))


def test_the_rollout_policy_learns_the_moves_of_its_games(tmp_path):
    game = random_game(1, 16)
    data = shards_of(tmp_path, "copies", [game] * 6)
    out = tmp_path / "rollout.safetensors"
    result = train_rollout_policy(data, out, epochs=2)
    assert result == {"positions": 2 * 6 * 16, "heldout_top1": 0.0, "heldout_positions": 0}
    trained = RolloutPolicy.load(out)
    assert mean_log_probability(trained, game) > mean_log_probability(RolloutPolicy(), game) + 0.3
    with safe_open(str(out), framework="numpy") as handle:
        metadata = handle.metadata()
    assert int(metadata["step"]) == 2 * 6 * 16
    assert json.loads(metadata["provenance"]) == {"stage": "sl-rollout", "data": data, **result}


def test_games_legal_under_simple_ko_are_read_even_where_superko_forbids_a_move(tmp_path):
    game = random_game(0, 120)
    with pytest.raises(ValueError, match="superko"):  # the game repeats a position
        record_to_game(game_to_record(game), Rules(ko="positional"))
    data = shards_of(tmp_path, "repeats", [game])
    result = train_rollout_policy(data, tmp_path / "rollout.safetensors")
    assert result["positions"] == sum(1 for m in game.moves if m.point != PASS) > 100
