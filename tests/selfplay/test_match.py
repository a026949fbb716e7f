"""The referee: a full 9x9 game between Tengen and GNU Go (level 1) over GTP, checked move by move."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from gogame.rules import Rules
from gogame.sgf import read_sgf, record_to_game
from gtp.client import find_gnugo
from selfplay.match import MatchConfig, play_game, play_match, wilson_interval
from tests.conftest import require_tool

TENGEN = f"{sys.executable} -m tengen gtp --visits 1500 --set rules.ko=simple"  # GNU Go plays simple ko


def gnugo_command() -> str:
    return f"{require_tool(find_gnugo(), 'GNU Go (apt-get install gnugo)')} --mode gtp --level 1 --chinese-rules --seed 1"


@pytest.mark.gnugo
@pytest.mark.parametrize("tengen_black", [True, False], ids=["tengen-black", "tengen-white"])
def test_full_game_against_gnugo_agrees_on_every_move_and_the_winner(tengen_black, tmp_path):
    gnugo = gnugo_command()
    black, white = (TENGEN, gnugo) if tengen_black else (gnugo, TENGEN)
    report = play_game(black, white, MatchConfig(size=9, komi=7.5, sgf_dir=tmp_path))
    # every move accepted by both; the final scores may differ in margin where the two engines
    # judge a stone differently (a stone in atari inside its own side's area: GNU Go calls it
    # dead, Tengen's playouts alive), but they must name the same winner
    assert [d for d in report.disagreements if not d.startswith("final_score differs")] == []
    assert report.moves >= 20
    if not report.result.endswith("+R"):
        assert {score[0] for score in report.final_scores.values()} == {report.result[0]}
        assert report.result in report.final_scores.values()
    game = record_to_game(read_sgf(next(tmp_path.glob("*.sgf"))), Rules(ko="simple"))  # the rules it was played by
    assert len(game.moves) == report.moves and np.any(game.board.grid())


def test_wilson_interval():
    low, high = wilson_interval(40, 50)
    assert 0.66 < low < 0.8 < high < 0.9
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0


@pytest.mark.gnugo
def test_match_alternates_colours():
    summary = play_match(TENGEN.replace("1500", "200"), gnugo_command(), games=2, config=MatchConfig(size=5, komi=0.5))
    assert summary.games == 2
    assert [r.black for r in summary.reports] == ["Tengen", "GNU Go"]
    assert 0 <= summary.win_rate <= 1


@pytest.mark.gnugo
def test_the_scorer_replays_the_game_and_decides_it():
    from gogame.coords import from_gtp
    from gogame.game import GameState
    from selfplay.match import _score_with

    game = GameState(5, 0.5, Rules(ko="simple"))
    for row in "12345":  # a wall on C for Black, on D for White: 15 points to 10
        game.play(from_gtp(f"C{row}", 5))
        game.play(from_gtp(f"D{row}", 5))
    scorer = gnugo_command()
    assert _score_with(scorer, game, MatchConfig(size=5, komi=0.5)) == "B+4.5"
    game.play(from_gtp("A1", 5))  # nothing changes the count
    assert _score_with(scorer, game, MatchConfig(size=5, komi=4.5)) == "B+0.5"


@pytest.mark.gnugo
def test_a_match_with_a_scorer_takes_its_result():
    policy = f"{sys.executable} -m tengen gtp --set player=policy --set rules.ko=simple --device cpu"
    report = play_game(policy, gnugo_command(), MatchConfig(size=9, komi=7.5, scorer=gnugo_command()))
    assert report.result.endswith("+R") or report.result == report.final_scores["scorer"]
    assert report.moves >= 20


@pytest.mark.gnugo
def test_tengen_match_command_with_a_scorer(tmp_path):
    import json
    import subprocess

    policy = f"{sys.executable} -m tengen gtp --set player=policy --set rules.ko=simple --device cpu"
    done = subprocess.run([sys.executable, "-m", "tengen", "match", policy, gnugo_command(), "--games", "2", "--size", "9",
                           "--scorer", gnugo_command(), "--sgf-dir", str(tmp_path), "--json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["games"] == 2 and 0 <= summary["wins_a"] <= 2
    assert len(list(tmp_path.glob("game-*.sgf"))) == 2
    assert done.stderr.count("game ") == 2  # one progress line per game


def test_a_missing_scorer_is_refused_before_any_game():
    import subprocess

    done = subprocess.run([sys.executable, "-m", "tengen", "match", "a", "b", "--scorer", "/nonexistent/scorer --mode gtp"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--scorer: no such program '/nonexistent/scorer'" in done.stderr
