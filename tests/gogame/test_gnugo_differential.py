"""Differential test of the rules against GNU Go 3.8 over GTP.

Random games are played on both engines at once; after every move the whole board
(``list_stones``), the prisoners (``captures``) and the legality (``is_legal``) of a set of
candidate points are compared: the simple-ko point, suicide points, occupied points, the
neighbours of the last move and random points. Any disagreement fails with the game's moves.
"""
from __future__ import annotations

import numpy as np
import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import all_points, from_gtp, on_board, row_col, to_gtp
from gogame.game import GameState
from gogame.playout_nb import make_rng_state, random_move_nb
from gogame.rules import Rules
from gtp.client import GtpClient, find_gnugo
from tests.conftest import require_tool

COLOR_NAMES = {BLACK: "black", WHITE: "white"}
RULE_FLAGS = {
    Rules(ko="simple"): ["--simple-ko", "--forbid-suicide"],
    Rules(ko="simple", suicide=True): ["--simple-ko", "--allow-suicide"],
    Rules(ko="positional"): ["--positional-superko", "--forbid-suicide"],
    Rules(ko="situational", suicide=True): ["--situational-superko", "--allow-suicide"],
}


def _gnugo(rules: Rules) -> GtpClient:
    binary = require_tool(find_gnugo(), "GNU Go (apt-get install gnugo)")
    return GtpClient([binary, "--mode", "gtp", "--level", "0", *RULE_FLAGS[rules]])


def _choose_move(game: GameState, rng: np.random.Generator, rng_state: np.ndarray) -> int:
    """Mostly eye-avoiding random moves (they make long games full of captures and kos), some
    uniformly random legal ones (eye fills, big captures, suicides) and a few passes."""
    roll = rng.random()
    if roll < 0.02:
        return 0
    if roll < 0.12:
        legal = game.legal_moves()
        return int(rng.choice(legal)) if len(legal) else 0
    for _ in range(8):
        pt = int(random_move_nb(game.board.array, game.to_move, rng_state))
        if pt == 0 or game.is_legal(pt):
            return pt
    return 0


def _candidates(game: GameState, rng: np.random.Generator, points: list[int]) -> list[int]:
    chosen = set(int(p) for p in rng.choice(points, size=6, replace=False))
    if game.board.ko_point:
        chosen.add(game.board.ko_point)
    last = game.board.last_move
    if last:
        w = game.size + 2
        chosen.update(p for p in (last - w, last - 1, last + 1, last + w, last) if on_board(p, game.size))
    empty = game.board.empty_points()
    suicides = [int(p) for p in empty if game.legal_reason(int(p)) in ("suicide", "superko", "ko")]
    chosen.update(suicides[:4])
    return sorted(chosen)


def _compare_position(game: GameState, gnugo: GtpClient, candidates: list[int], history: list[str]) -> None:
    color = COLOR_NAMES[game.to_move]
    commands = ["list_stones black", "list_stones white", "captures black", "captures white"]
    commands += [f"is_legal {color} {to_gtp(p, game.size)}" for p in candidates]
    replies = gnugo.send_many(commands)
    context = f"{game.size}x{game.size} after {' '.join(history)}"
    grid = game.board.grid()
    for reply, stone in zip(replies[:2], (BLACK, WHITE)):
        theirs = {from_gtp(v, game.size) for v in reply[1].split()}
        ours = {p for p in all_points(game.size) if grid[row_col(p, game.size)] == stone}
        assert theirs == ours, f"{COLOR_NAMES[stone]} stones differ {context}\n{game.board}"
    prisoners = game.board.prisoners
    assert (int(replies[2][1]), int(replies[3][1])) == prisoners, f"prisoners differ {context}"
    for pt, reply in zip(candidates, replies[4:]):
        theirs = reply[1].strip() == "1"
        reason = game.legal_reason(pt)
        assert theirs == (reason is None), (
            f"legality of {color} {to_gtp(pt, game.size)} differs (ours: {reason or 'legal'}, GNU Go: "
            f"{'legal' if theirs else 'illegal'}) {context}\n{game.board}")


def _play_games(size: int, games: int, rules: Rules, seed: int) -> int:
    """Play ``games`` random games on both engines; returns the number of positions compared."""
    rng = np.random.default_rng(seed)
    rng_state = make_rng_state(seed)
    points = all_points(size)
    compared = 0
    with _gnugo(rules) as gnugo:
        gnugo.send(f"boardsize {size}")
        for _ in range(games):
            gnugo.send("clear_board")
            game = GameState(size, rules.with_changes(komi=7.5))
            history: list[str] = []
            while not game.is_over and len(history) < 3 * size * size:
                pt = _choose_move(game, rng, rng_state)
                color = COLOR_NAMES[game.to_move]
                vertex = to_gtp(pt, size)
                game.play(pt)
                history.append(vertex)
                ok, text = gnugo.send_many([f"play {color} {vertex}"])[0]
                assert ok, f"GNU Go refused {color} {vertex} ({text}) after {' '.join(history[:-1])}"
                _compare_position(game, gnugo, _candidates(game, rng, points), history)
                compared += 1
    return compared


@pytest.mark.gnugo
@pytest.mark.parametrize("size", [9, 13, 19])
def test_random_games_agree_with_gnugo_simple_ko(size):
    compared = _play_games(size, games=200, rules=Rules(ko="simple"), seed=size)
    assert compared > 200 * size * size // 2  # full games were played, not stubs


@pytest.mark.gnugo
@pytest.mark.parametrize("rules", [Rules(ko="simple", suicide=True), Rules(ko="positional"),
                                   Rules(ko="situational", suicide=True)], ids=["suicide", "positional", "situational"])
def test_random_games_agree_with_gnugo_other_rules(rules):
    _play_games(7, games=60, rules=rules, seed=7)


@pytest.mark.slow
@pytest.mark.gnugo
@pytest.mark.parametrize("size", [5, 9, 13, 19])
def test_many_random_games_agree_with_gnugo(size):
    _play_games(size, games=2000, rules=Rules(ko="simple"), seed=1000 + size)


