"""Search self-play games as training data: targets are distributions over legal moves, the
ownership and score targets are the rules engine's count of the finished game, playout cap
randomisation flags exactly the full searches, resignation and its false positives are recorded."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import to_policy_index
from gogame.ownership import OwnershipConfig, final_status
from gogame.rules import Rules
from gogame.sgf import read_sgf, start_position
from nets.evaluator import RolloutEvaluator
from selfplay.config import GameSetup, PlayoutCap, Resignation, SelfPlayConfig
from selfplay.records import read_games
from selfplay.run import run_selfplay, summarize
from selfplay.worker import start_game

TINY = SelfPlayConfig(size=5, playouts=PlayoutCap(full_visits=24, cheap_visits=8, full_fraction=0.5),
                      game=GameSetup(rules=Rules(), komi_mean=2.5, komi_stdev=1.0),
                      resign=Resignation(threshold=0.0), games_per_thread=3, shard_games=2, ownership_playouts=200)


def replay(out, game_id: int):
    """The game's positions rebuilt from its SGF (a list of GameStates before each move)."""
    record = read_sgf((out / "sgf" / f"game-{game_id:08d}.sgf").read_bytes())
    game = start_position(record)
    positions = []
    for color, pt in record.moves:
        positions.append(game.copy())
        game.play(pt, color)
    return positions, game


@pytest.fixture(scope="module")
def puct_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("puct")
    summary = run_selfplay(TINY, RolloutEvaluator(seed=1), out, games=5)
    return out, summary


def test_policy_targets_sum_to_one_and_are_zero_off_the_legal_moves(puct_run):
    out, _ = puct_run
    arrays, games = read_games(out)
    assert len(games) == 5
    for info in games:
        rows = np.flatnonzero(arrays["game_id"] == info["game_id"])
        positions, _ = replay(out, info["game_id"])
        assert len(positions) == len(rows) == info["moves"]
        for row, game in zip(rows, positions):
            policy = arrays["policy"][row]
            assert policy.sum() == pytest.approx(1.0, abs=1e-5)
            legal = np.zeros(26, bool)
            legal[[to_policy_index(int(p), 5) for p in game.legal_moves()]] = True
            legal[25] = True  # pass
            assert not policy[~legal].any()
            assert arrays["to_move"][row] == game.to_move
            np.testing.assert_array_equal(arrays["stones"][row], game.board.grid())
            assert arrays["move_number"][row] == len(game.moves)


def test_ownership_and_score_targets_are_the_rules_engines_count_of_the_game(puct_run):
    out, _ = puct_run
    arrays, games = read_games(out)
    for info in games:
        assert info["finished"] == "passes"  # resignation is off in this run
        rows = np.flatnonzero(arrays["game_id"] == info["game_id"])
        _, final = replay(out, info["game_id"])
        dead = final_status(final, OwnershipConfig(playouts=200, seed=TINY.seed + info["game_id"]))["dead"]
        score = final.score(dead)
        assert arrays["score"][rows] == pytest.approx(score.margin)
        ownership = arrays["ownership"][rows[0]]
        # area scoring: the owned points' balance minus White's bonus is the margin
        assert ownership.sum() - final.white_bonus() == pytest.approx(score.margin)
        assert (arrays["ownership"][rows] == ownership).all()
        assert info["result"] == score.result()
        winner = score.winner
        for row in rows:
            mover = arrays["to_move"][row]
            expected = 0.0 if winner not in (BLACK, WHITE) else (1.0 if mover == winner else -1.0)
            assert arrays["outcome"][row] == expected
        assert arrays["komi"][rows[0]] == info["komi"] == final.komi


def test_playout_cap_randomisation_marks_exactly_the_full_searches(puct_run):
    out, _ = puct_run
    arrays, games = read_games(out)
    full = arrays["full_search"]
    assert (arrays["visits"][full] == 24).all()
    assert (arrays["visits"][~full] <= 8).all()
    assert 0.3 < full.mean() < 0.7
    assert sum(g["full_searches"] for g in games) == full.sum()


def test_the_summary_counts_games_positions_and_winners(puct_run):
    out, summary = puct_run
    arrays, games = read_games(out)
    assert summary["games"] == 5 and summary["positions"] == len(arrays["game_id"])
    assert summary["black_win_rate"] == pytest.approx(sum(g["winner"] == BLACK for g in games) / 5, abs=1e-4)
    assert summary["mean_moves"] == pytest.approx(np.mean([g["moves"] for g in games]), abs=0.01)
    assert summary == {**summarize(out), "seconds": summary["seconds"], "simulations": summary["simulations"],
                       "moves_searched": summary["moves_searched"]}


def test_games_draw_komi_and_handicap_per_game_and_record_the_rules():
    config = replace(TINY, size=9, game=GameSetup(rules=Rules(ko="simple"), komi_mean=7.0, komi_stdev=2.0,
                                                  handicap_fraction=0.3, max_handicap=4, handicap_komi=0.5))
    starts = [start_game(config, i) for i in range(60)]
    komis = {g.komi for g, _, _ in starts if not g.handicap}
    assert len(komis) > 3 and all(k * 2 == int(k * 2) for k in komis)
    handicapped = [g for g, _, _ in starts if g.handicap]
    assert 5 < len(handicapped) < 35 and all(2 <= g.handicap <= 4 and g.komi == 0.5 for g in handicapped)
    assert all(g.rules.ko == "simple" for g, _, _ in starts)
    again = start_game(config, 7)[0]
    assert (again.komi, again.handicap) == (starts[7][0].komi, starts[7][0].handicap)


@pytest.mark.parametrize("join", ["no", "yes"])
def test_gumbel_self_play_records_improved_policies_and_plays_on_several_threads(tmp_path, join):
    config = replace(TINY, root="gumbel", playouts=PlayoutCap(full_visits=16, cheap_visits=4, full_fraction=0.5),
                     join_batches=join)
    summary = run_selfplay(config, RolloutEvaluator(seed=2), tmp_path, games=4, threads=2)
    arrays, games = read_games(tmp_path)
    assert summary["games"] == 4 and sorted(g["game_id"] for g in games) == [0, 1, 2, 3]
    np.testing.assert_allclose(arrays["policy"].sum(axis=1), 1.0, atol=1e-5)
    # the improved policy gives every root move some weight, unlike visit counts
    assert (np.count_nonzero(arrays["policy"][arrays["full_search"]], axis=1) > 1).mean() > 0.9


def test_resignation_ends_games_and_no_resign_games_measure_false_positives(tmp_path):
    config = replace(TINY, resign=Resignation(threshold=0.3, consecutive=1, no_resign_fraction=0.5))
    run_selfplay(config, RolloutEvaluator(seed=3), tmp_path, games=8)
    _, games = read_games(tmp_path)
    resigned = [g for g in games if g["resigned"]]
    assert resigned and all(not g["no_resign"] and g["winner"] == 3 - g["resigned"] for g in resigned)
    assert all(g["result"] in ("B+R", "W+R") for g in resigned)
    summary = summarize(tmp_path)
    would = [g for g in games if g["no_resign"] and g["would_resign"]]
    assert summary["would_resign"] == len(would)
    assert would  # with this seed some no-resign game fell below the threshold
    assert summary["resign_false_positive_rate"] == pytest.approx(
            sum(g["winner"] == g["would_resign"] for g in would) / len(would), abs=1e-4)
