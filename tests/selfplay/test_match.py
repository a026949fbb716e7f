"""The referee: scripted engines (tests/selfplay/fake_engine.py) whose games have results known
in advance (colours, wins, ties, void games, forfeits), and a full 9x9 game between Tengen and
GNU Go (level 1) over GTP, checked move by move."""
from __future__ import annotations

import json
import math
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gogame.rules import Rules
from gogame.sgf import read_sgf, record_to_game
from gtp.client import find_gnugo
from selfplay.ratings import elo_difference
from selfplay.match import MatchConfig, play_game, play_match, wilson_interval
from tests.conftest import require_tool

TENGEN = f"{sys.executable} -m tengen gtp --visits 1500 --set rules.ko=simple"  # GNU Go plays simple ko


def gnugo_command() -> str:
    return f"{require_tool(find_gnugo(), 'GNU Go (apt-get install gnugo)')} --mode gtp --level 1 --chinese-rules --seed 1"


FAKE_ENGINE = Path(__file__).with_name("fake_engine.py")


def fake(tmp_path: Path, name: str, plan: str) -> str:
    """The command line of a scripted engine: game i of a match follows entry i of ``plan``;
    the commands it receives in game i are logged to ``tmp_path/NAME-i.log``."""
    return " ".join(shlex.quote(part) for part in [
        sys.executable, str(FAKE_ENGINE), "--name", name, "--plan", plan,
        "--counter", str(tmp_path / f"{name}.count"), "--log", str(tmp_path / f"{name}-{{game}}.log")])


def received(tmp_path: Path, name: str, game: int, command: str) -> list[str]:
    """The ``command`` lines the scripted engine ``name`` received in ``game``."""
    lines = (tmp_path / f"{name}-{game}.log").read_text().splitlines()
    return [line for line in lines if line.split()[0] == command]


def expected_wins(reports, name_a: str) -> float:
    """Wins of engine ``name_a`` counted from the result strings, a tie ("0") a half, a void
    game nothing: an independent reading of the reports."""
    wins = 0.0
    for report in reports:
        a_letter = "B" if report.black == name_a else "W"
        wins += 1.0 if report.result.startswith(a_letter + "+") else 0.5 if report.result == "0" else 0.0
    return wins


def test_match_alternates_colours_counts_ties_as_half_and_leaves_void_games_out(tmp_path):
    # game: A's colour, what happens                         -> result, A's share
    # 0: Black, both pass, both score B+2                    -> B+2, 1
    # 1: White, both pass, both score W+2                    -> W+2, 1
    # 2: Black, both pass, both score a tie                  -> 0, 1/2
    # 3: White, A refuses Black's move: the boards differ    -> Void, not counted
    # 4: Black, A resigns                                    -> W+R, 0
    # 5: White, B (Black) resigns                            -> W+R, 1
    a = fake(tmp_path, "Alpha", "pass/B+2,pass/W+2,pass/0,refuse,resign,pass/W+2")
    b = fake(tmp_path, "Beta", "pass/B+2,pass/W+2,pass/0,pass,pass,resign")
    summary = play_match(a, b, games=6, config=MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    reports = summary.reports
    assert [r.black for r in reports] == ["Alpha", "Beta"] * 3
    assert [r.white for r in reports] == ["Beta", "Alpha"] * 3
    assert [r.result for r in reports] == ["B+2", "W+2", "0", "Void", "W+R", "W+R"]
    assert summary.games == 5 and summary.wins_a == 3.5 and summary.win_rate == 0.7
    assert summary.interval() == wilson_interval(3.5, 5)
    # the colour each engine was asked to play, as the engines saw it
    assert [received(tmp_path, "Alpha", game, "genmove") for game in range(6)] == [
        ["genmove black"], ["genmove white"], ["genmove black"], [], ["genmove black"], []]
    assert [received(tmp_path, "Beta", game, "genmove") for game in range(6)] == [
        ["genmove white"], ["genmove black"], ["genmove white"], ["genmove black"], [], ["genmove black"]]
    for game in range(6):
        for name in ("Alpha", "Beta"):
            assert received(tmp_path, name, game, "boardsize") == ["boardsize 5"]
            assert received(tmp_path, name, game, "komi") == ["komi 0.5"]
    assert reports[0].final_scores == {"Alpha": "B+2", "Beta": "B+2"} and reports[0].disagreements == []
    assert reports[0].moves == 2 and reports[4].moves == 0
    assert len(reports[3].disagreements) == 1 and "Alpha refused black pass" in reports[3].disagreements[0]


def test_match_credits_engine_a_by_its_colour_not_by_the_winning_colour(tmp_path):
    # Black wins every game (both engines pass and score B+1): A wins exactly its Black games
    a = fake(tmp_path, "Alpha", "pass/B+1")
    b = fake(tmp_path, "Beta", "pass/B+1")
    summary = play_match(a, b, games=3, config=MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert [r.black for r in summary.reports] == ["Alpha", "Beta", "Alpha"]
    assert summary.games == 3 and summary.wins_a == 2.0
    # A resigns every game: it wins none, whichever colour it has
    (tmp_path / "resigns").mkdir()
    a, b = fake(tmp_path / "resigns", "Alpha", "resign"), fake(tmp_path / "resigns", "Beta", "pass")
    summary = play_match(a, b, games=2, config=MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert [r.result for r in summary.reports] == ["W+R", "B+R"]
    assert summary.games == 2 and summary.wins_a == 0.0


@pytest.mark.parametrize("black_plan, white_plan, result, moves", [
    ("moves=C3:C3", "pass", "W+F", 2),  # Black's second C3: occupied, Black forfeits
    ("moves=Z9", "pass", "W+F", 0),  # off the 5x5 board
    ("moves=C3", "moves=C3", "B+F", 1),  # White answers Black's C3 with C3
    ("pass", "moves=D4:hello", "B+F", 3),  # not a vertex at all
], ids=["occupied", "off-board", "white-occupied", "malformed"])
def test_an_illegal_move_forfeits_the_game(tmp_path, black_plan, white_plan, result, moves):
    report = play_game(fake(tmp_path, "Alpha", black_plan), fake(tmp_path, "Beta", white_plan),
                       MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert report.result == result and report.moves == moves
    assert len(report.disagreements) == 1 and "which the referee rejects" in report.disagreements[0]


def test_disagreeing_final_scores_fall_back_to_the_referees_count(tmp_path):
    # Black plays C3 and both pass: one black stone owns the 5x5 board, B+24.5 at komi 0.5
    report = play_game(fake(tmp_path, "Alpha", "moves=C3/B+3"), fake(tmp_path, "Beta", "pass/W+3"),
                       MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert report.moves == 3 and report.result == "B+24.5"
    assert report.final_scores == {"Alpha": "B+3", "Beta": "W+3"}
    assert len(report.disagreements) == 1 and report.disagreements[0].startswith("final_score differs")
    # the opponent was told the move, and the SGF holds it with the result
    assert received(tmp_path, "Beta", 0, "play") == ["play black C3", "play black pass"]
    assert b"RE[B+24.5]" in report.sgf and b";B[cc]" in report.sgf


def test_the_match_command_reports_engine_as_wins(tmp_path):
    a = fake(tmp_path, "Alpha", "pass/W+1")  # White wins every game: A wins game 2 only
    b = fake(tmp_path, "Beta", "pass/W+1")
    done = subprocess.run([sys.executable, "-m", "tengen", "match", a, b, "--games", "3", "--size", "5",
                           "--komi", "0.5", "--json", "--sgf-dir", str(tmp_path / "sgf")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    low, high = wilson_interval(1, 3)
    elo = [round(v, 1) for v in elo_difference(1, 3)]
    assert elo[0] == round(-400 * math.log10(2), 1)  # one game in three: 1:2 odds
    assert json.loads(done.stdout) == {"games": 3, "wins_a": 1.0, "win_rate_a": 0.3333,
                                       "interval95": [round(low, 4), round(high, 4)], "disagreements": 0,
                                       "elo_a": elo}
    assert done.stderr.splitlines() == [
        "game 1/3: Alpha (B) vs Beta (W): W+1 after 2 moves",
        "game 2/3: Beta (B) vs Alpha (W): W+1 after 2 moves",
        "game 3/3: Alpha (B) vs Beta (W): W+1 after 2 moves"]
    assert len(list((tmp_path / "sgf").glob("game-*.sgf"))) == 3


@pytest.mark.gnugo
@pytest.mark.parametrize("tengen_black", [True, False], ids=["tengen-black", "tengen-white"])
def test_full_game_against_gnugo_agrees_on_every_move_and_the_winner(tengen_black, tmp_path):
    gnugo = gnugo_command()
    black, white = (TENGEN, gnugo) if tengen_black else (gnugo, TENGEN)
    report = play_game(black, white, MatchConfig(size=9, sgf_dir=tmp_path))
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
def test_match_against_gnugo_alternates_colours():
    summary = play_match(TENGEN.replace("1500", "200"), gnugo_command(), games=2, config=MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert [r.black for r in summary.reports] == ["Tengen", "GNU Go"]
    assert [r.disagreements for r in summary.reports if r.result == "Void"] == []
    assert summary.games == 2 and summary.wins_a == expected_wins(summary.reports, "Tengen")


@pytest.mark.gnugo
def test_the_scorer_replays_the_game_and_decides_it():
    from gogame.coords import from_gtp
    from gogame.game import GameState
    from selfplay.match import _score_with

    game = GameState(5, Rules(ko="simple", komi=0.5))
    for row in "12345":  # a wall on C for Black, on D for White: 15 points to 10
        game.play(from_gtp(f"C{row}", 5))
        game.play(from_gtp(f"D{row}", 5))
    scorer = gnugo_command()
    assert _score_with(scorer, game, MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5))) == "B+4.5"
    game.play(from_gtp("A1", 5))  # nothing changes the count
    assert _score_with(scorer, game, MatchConfig(size=5, rules=Rules(ko="simple", komi=4.5))) == "B+0.5"


@pytest.mark.gnugo
def test_a_match_with_a_scorer_takes_its_result():
    policy = f"{sys.executable} -m tengen gtp --set player=policy --set rules.ko=simple --device cpu"
    report = play_game(policy, gnugo_command(), MatchConfig(size=9, scorer=gnugo_command()))
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
    progress = [line for line in done.stderr.splitlines() if line.startswith("game ")]
    assert len(progress) == 2  # one progress line per game: "game 1/2: BLACK (B) vs WHITE (W): RESULT after ..."
    results = [line.split(": ")[2].split()[0] for line in progress]
    assert [line.split(": ")[1].split(" (B)")[0] for line in progress] == ["Tengen", "GNU Go"]
    a_wins = sum(1.0 if result.startswith("BW"[i] + "+") else 0.5 if result == "0" else 0.0
                 for i, result in enumerate(results))
    assert summary["games"] == 2 and summary["wins_a"] == a_wins
    assert len(list(tmp_path.glob("game-*.sgf"))) == 2


def test_a_missing_scorer_is_refused_before_any_game():
    import subprocess

    done = subprocess.run([sys.executable, "-m", "tengen", "match", "a", "b", "--scorer", "/nonexistent/scorer --mode gtp"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--scorer: no such program '/nonexistent/scorer'" in done.stderr


@pytest.mark.parametrize("behaviour", ["fail", "die"])
def test_an_engine_that_fails_or_dies_forfeits_and_the_match_goes_on(tmp_path, behaviour):
    # game 0: Alpha (Black) gives no move; game 1: Alpha (White) passes, Beta plays C3 and wins
    summary = play_match(fake(tmp_path, "Alpha", f"{behaviour},pass/B+24.5"), fake(tmp_path, "Beta", "moves=C3/B+24.5"),
                         games=2,
                         config=MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert [r.result for r in summary.reports] == ["W+F", "B+24.5"]
    assert "Alpha gave no move" in summary.reports[0].disagreements[0]
    assert summary.games == 2 and summary.wins_a == 0
