"""The referee's less travelled paths, against scripted engines (tests/selfplay/fake_engine.py):
opening moves played for both engines, the move cap, the referee's rules, the per-move and
per-game callbacks, a scorer engine deciding the result, and where a forfeit is reported."""
from __future__ import annotations

import numpy as np

from gogame.coords import from_gtp, to_gtp
from gogame.game import GameState
from gogame.rules import Rules
from gogame.sgf import read_sgf, record_to_game
from selfplay.match import MatchConfig, play_game, play_match, wilson_interval
from tests.selfplay.test_match import fake, received


def points(vertices: str, size: int = 5) -> list[int]:
    return [from_gtp(v, size) for v in vertices.split()]


def test_opening_moves_are_played_for_both_engines_before_they_take_over(tmp_path):
    # three opening moves (B C3, W D4, B B2): White is the first engine asked for a move
    seen: list[int] = []
    report = play_game(fake(tmp_path, "Alpha", "moves=E5/B+1"), fake(tmp_path, "Beta", "moves=A1:pass/B+1"),
                       MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)), on_move=lambda game: seen.append(len(game.moves)),
                       opening=points("C3 D4 B2"))
    for name in ("Alpha", "Beta"):
        assert received(tmp_path, name, 0, "play")[:3] == ["play black C3", "play white D4", "play black B2"]
    assert received(tmp_path, "Beta", 0, "genmove") == ["genmove white", "genmove white"]
    assert received(tmp_path, "Alpha", 0, "genmove") == ["genmove black", "genmove black"]
    assert received(tmp_path, "Alpha", 0, "play")[3:] == ["play white A1", "play white pass"]
    assert received(tmp_path, "Beta", 0, "play")[3:] == ["play black E5", "play black pass"]
    # B C3, W D4, B B2 (opening); W A1, B E5, W pass (engines); Black passes next: the game is over
    assert report.result == "B+1" and report.moves == 7 and report.disagreements == []
    assert seen == [4, 5, 6, 7]  # on_move after each engine move, never for the opening
    record = read_sgf(report.sgf)
    assert (record.black_name, record.white_name, record.result) == ("Alpha", "Beta", "B+1")
    game = record_to_game(record, Rules(ko="simple"))
    assert [to_gtp(m.point, 5) for m in game.moves] == "C3 D4 B2 A1 E5 pass pass".split()
    assert [m.color for m in game.moves] == [1, 2, 1, 2, 1, 2, 1]


def test_an_even_opening_leaves_black_to_move(tmp_path):
    report = play_game(fake(tmp_path, "Alpha", "pass"), fake(tmp_path, "Beta", "pass"),
                       MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)), opening=points("C3 D4"))
    assert received(tmp_path, "Alpha", 0, "genmove") == ["genmove black"]
    assert received(tmp_path, "Beta", 0, "genmove") == ["genmove white"]
    assert report.moves == 4


def long_random_game(size: int, moves: int, seed: int) -> list[int]:
    """``moves`` legal moves, never two passes in a row (the game never ends on its own)."""
    rng = np.random.default_rng(seed)
    game = GameState(size, Rules(ko="simple", komi=0.5))
    played: list[int] = []
    while len(played) < moves:
        legal = [int(p) for p in game.legal_moves() if int(p) != 0]
        pt = int(rng.choice(legal)) if legal else 0
        game.play(pt)
        played.append(pt)
    assert not game.is_over
    return played


def scripted_pair(tmp_path, played: list[int], size: int = 5) -> tuple[str, str]:
    black = ":".join(to_gtp(p, size) for p in played[0::2])
    white = ":".join(to_gtp(p, size) for p in played[1::2])
    return fake(tmp_path, "Alpha", f"moves={black}"), fake(tmp_path, "Beta", f"moves={white}")


def test_the_default_move_cap_is_four_times_the_board_area(tmp_path):
    # 130 legal moves scripted: the game stops at 4 * 5 * 5 = 100 and is counted as it stands
    played = long_random_game(5, 130, seed=0)
    report = play_game(*scripted_pair(tmp_path, played), MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert report.moves == 100 and report.disagreements == []
    assert len(received(tmp_path, "Alpha", 0, "genmove")) == 50
    assert len(received(tmp_path, "Beta", 0, "genmove")) == 50


def test_an_explicit_move_cap_stops_the_game_after_exactly_that_many_moves(tmp_path):
    played = long_random_game(5, 10, seed=1)
    report = play_game(*scripted_pair(tmp_path, played), MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5), max_moves=3))
    assert report.moves == 3
    assert len(received(tmp_path, "Alpha", 0, "genmove")) == 2
    assert len(received(tmp_path, "Beta", 0, "genmove")) == 1


# White walls in A1-A2; Black's A2 then takes its own two stones off the board
SUICIDE_BLACK = "A1:C5:D5:A2:pass"
SUICIDE_WHITE = "B1:B2:A3:pass"


def test_the_referee_judges_moves_by_the_configured_rules(tmp_path):
    # Black's A2 removes its own chain A1-A2: legal where the rules allow suicide
    report = play_game(fake(tmp_path, "Alpha", f"moves={SUICIDE_BLACK}"), fake(tmp_path, "Beta", f"moves={SUICIDE_WHITE}"),
                       MatchConfig(size=5, rules=Rules(ko="simple", suicide=True, komi=0.5)))
    assert report.disagreements == [] and report.moves == 9 and report.result == "0"
    game = record_to_game(read_sgf(report.sgf), Rules(ko="simple", suicide=True))
    grid = game.board.grid()
    assert np.count_nonzero(grid == 1) == 2 and np.count_nonzero(grid == 2) == 3  # A1 and A2 gone, C5 D5 left
    # and where they do not (the default rules), the same move forfeits the game
    (tmp_path / "strict").mkdir()
    report = play_game(fake(tmp_path / "strict", "Alpha", f"moves={SUICIDE_BLACK}"),
                       fake(tmp_path / "strict", "Beta", f"moves={SUICIDE_WHITE}"), MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert report.result == "W+F" and report.moves == 6
    assert report.disagreements[0].startswith("move 7: Alpha played black A2")


def test_a_forfeit_names_the_number_of_the_rejected_move(tmp_path):
    report = play_game(fake(tmp_path, "Alpha", "moves=C3:C3"), fake(tmp_path, "Beta", "pass"), MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert report.result == "W+F" and report.moves == 2
    assert report.disagreements == [report.disagreements[0]]
    assert report.disagreements[0].startswith("move 3: Alpha played black C3, which the referee rejects")


def test_a_scorer_replays_the_game_and_its_final_score_is_the_result(tmp_path):
    scorer = fake(tmp_path, "Judge", "pass/W+7.5")
    report = play_game(fake(tmp_path, "Alpha", "moves=C3:D4/B+2"), fake(tmp_path, "Beta", "moves=B2/B+2"),
                       MatchConfig(size=5, rules=Rules(ko="simple", komi=2.5), scorer=scorer))
    assert report.result == "W+7.5" and report.final_scores == {"Alpha": "B+2", "Beta": "B+2", "scorer": "W+7.5"}
    assert len(report.disagreements) == 1 and "differs from the scorer's W+7.5" in report.disagreements[0]
    log = (tmp_path / "Judge-0.log").read_text().splitlines()
    assert log == ["boardsize 5", "clear_board", "komi 2.5", "play black C3", "play white B2", "play black D4",
                   "play white pass", "play black pass", "final_score", "quit"]
    assert b"RE[W+7.5]" in report.sgf


def test_a_scorer_that_agrees_with_both_engines_leaves_no_disagreement(tmp_path):
    scorer = fake(tmp_path, "Judge", "pass/B+3")
    report = play_game(fake(tmp_path, "Alpha", "pass/B+3"), fake(tmp_path, "Beta", "pass/B+3"),
                       MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5), scorer=scorer))
    assert report.result == "B+3" and report.disagreements == []


def test_on_game_gets_each_game_number_and_its_report_as_it_ends(tmp_path):
    calls = []
    summary = play_match(fake(tmp_path, "Alpha", "pass/B+1"), fake(tmp_path, "Beta", "pass/B+1"), games=2,
                         config=MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)), on_game=lambda number, report: calls.append((number, report)))
    assert [number for number, _ in calls] == [0, 1]
    assert [report for _, report in calls] == summary.reports
    assert [report.black for _, report in calls] == ["Alpha", "Beta"]


def test_engines_of_the_same_name_have_their_scores_kept_by_colour(tmp_path):
    (tmp_path / "b").mkdir()
    report = play_game(fake(tmp_path, "Twin", "pass/B+1"), fake(tmp_path / "b", "Twin", "pass/W+1"),
                       MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert report.final_scores == {"black": "B+1", "white": "W+1"}
    assert report.result == "W+0.5"  # they differ: the referee's count of the empty board


def test_an_engine_that_died_has_no_final_score(tmp_path):
    report = play_game(fake(tmp_path, "Alpha", "die"), fake(tmp_path, "Beta", "pass/W+9"), MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5)))
    assert report.result == "W+F" and report.final_scores["Beta"] == "W+9"
    # the dead engine's entry says why it has no score (keyed by colour, whatever the names)
    assert [score for score in report.final_scores.values() if score.startswith("? ")] != []
    assert len(report.final_scores) == 2


def test_sgf_files_are_numbered_in_a_folder_made_on_demand(tmp_path):
    folder = tmp_path / "deep" / "sgf"
    config = MatchConfig(size=5, rules=Rules(ko="simple", komi=0.5), sgf_dir=folder)
    summary = play_match(fake(tmp_path, "Alpha", "pass/B+1,moves=C3/W+2"), fake(tmp_path, "Beta", "pass/B+1,pass/W+2"),
                         games=2, config=config)
    assert sorted(p.name for p in folder.iterdir()) == ["game-00000.sgf", "game-00001.sgf"]
    assert [(folder / f"game-{i:05d}.sgf").read_bytes() for i in range(2)] == [r.sgf for r in summary.reports]
    assert b"RE[W+2]" in (folder / "game-00001.sgf").read_bytes()


def test_wilson_interval_stays_within_zero_and_one():
    assert wilson_interval(0, 0) == (0.0, 1.0)  # no games: nothing known
    low, high = wilson_interval(1, 1)
    assert 0.2 < low < 0.21 and high == 1.0
    for games in (5, 19):  # where the upper bound rounds above 1 before it is clamped
        assert wilson_interval(games, games)[1] == 1.0
        assert wilson_interval(0, games)[0] == 0.0
