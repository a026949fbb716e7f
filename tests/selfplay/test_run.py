"""``run_selfplay``'s contract: its arguments checked, ``on_game`` called once per finished game
with its id, positions and the count so far, the last partial shard merged only at a normal end,
a worker's error stopping the others and raised after the finished games are on disk, and the
summary's counts of the search."""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from nets.evaluator import RolloutEvaluator
from selfplay.records import read_games
from selfplay.run import run_selfplay
from tests.selfplay.test_worker import TINY


@pytest.mark.parametrize("games, threads", [(0, 1), (-1, 1), (3, 0)])
def test_games_and_threads_must_be_at_least_one(tmp_path, games, threads):
    with pytest.raises(ValueError, match=f"games and threads must be at least 1, got {games} and {threads}"):
        run_selfplay(TINY, RolloutEvaluator(seed=1), tmp_path, games=games, threads=threads)


def test_one_game_is_enough_and_on_game_reports_each_finished_game(tmp_path):
    calls: list[tuple[int, int, int]] = []
    started = time.perf_counter()
    summary = run_selfplay(TINY, RolloutEvaluator(seed=4), tmp_path, games=1, on_game=lambda *a: calls.append(a))
    assert summary["games"] == 1 and len(calls) == 1
    arrays, games = read_games(tmp_path)
    game_id, positions, count = calls[0]
    assert (game_id, positions, count) == (0, games[0]["moves"], 1) and positions == len(arrays["policy"])
    assert 0 < summary["seconds"] <= time.perf_counter() - started
    assert summary["moves_searched"] == positions  # every move of the game was searched
    full, cheap = TINY.playouts.full_visits, TINY.playouts.cheap_visits
    assert cheap * positions <= summary["simulations"] <= full * positions
    more: list[tuple[int, int, int]] = []
    again = run_selfplay(TINY, RolloutEvaluator(seed=4), tmp_path, games=3, on_game=lambda *a: more.append(a))
    assert sorted(c[0] for c in more) == [1, 2] and sorted(c[2] for c in more) == [2, 3]  # counted on from 1
    assert again["games"] == 3 and not list((tmp_path / "pending").glob("*.npz"))  # the last shard merged


def test_a_stopped_run_leaves_its_last_games_pending_for_the_next(tmp_path):
    finished: list[int] = []
    config = replace(TINY, shard_games=64)
    run_selfplay(config, RolloutEvaluator(seed=5), tmp_path, games=50, on_game=lambda gid, n, count: finished.append(gid),
                 should_stop=lambda: len(finished) >= 2)
    pending = list((tmp_path / "pending").glob("game-*.npz"))
    assert len(finished) >= 2 and len(pending) == len(finished) and not list((tmp_path / "shards").glob("*.npz"))


class FailingEvaluator(RolloutEvaluator):
    """Fails on its ``calls``-th batch, as a dead GPU or a corrupt network would."""

    def __init__(self, calls: int) -> None:
        super().__init__(seed=6)
        self.left = calls

    def evaluate_batch(self, batch):
        self.left -= 1
        if self.left < 0:
            raise RuntimeError("the evaluator fell over")
        return super().evaluate_batch(batch)


def test_a_workers_error_stops_the_run_and_is_raised_after_the_finished_games_are_kept(tmp_path):
    finished: list[int] = []
    with pytest.raises(RuntimeError, match="the evaluator fell over"):
        run_selfplay(replace(TINY, games_per_thread=1), FailingEvaluator(calls=600), tmp_path, games=40, threads=2,
                     on_game=lambda gid, n, count: finished.append(gid))
    _, games = read_games(tmp_path)
    assert finished and sorted(g["game_id"] for g in games) == sorted(finished) and len(finished) < 40


def test_a_run_folder_is_reopened_only_with_its_own_settings_and_says_what_differs(tmp_path):
    from selfplay.run import SETTINGS_FILE, open_store

    open_store(tmp_path, TINY, {"generation": 1})
    assert open_store(tmp_path, TINY, {"generation": 2}).root == tmp_path  # the same settings: reopened
    changed = replace(TINY, size=7, shard_games=5)
    with pytest.raises(ValueError) as error:
        open_store(tmp_path, changed, {})
    message = str(error.value)
    assert message.startswith(f"{tmp_path} holds a self-play run with other settings (these differ: shard_games, size; ")
    assert f"its settings are in {tmp_path / SETTINGS_FILE})" in message
    (tmp_path / SETTINGS_FILE).write_text("{ not json")
    with pytest.raises(ValueError, match=f"^{tmp_path / SETTINGS_FILE}: unreadable "):
        open_store(tmp_path, TINY, {})


def test_moves_follow_the_temperature_then_the_most_visited_and_the_playout_cap(tmp_path):
    config = replace(TINY, temperature=1.0, temperature_moves=4,
                     playouts=replace(TINY.playouts, full_fraction=1.0))
    run_selfplay(config, RolloutEvaluator(seed=8), tmp_path / "full", games=6)
    arrays, _ = read_games(tmp_path / "full")
    assert arrays["full_search"].all()  # full_fraction 1: every search is a full one
    chosen = arrays["policy"][np.arange(len(arrays["move"])), arrays["move"]]
    best = arrays["policy"].max(axis=1)
    greedy = arrays["move_number"] >= 4
    assert (chosen[greedy] == best[greedy]).all()  # after the temperature moves: the most visited move
    assert (chosen[~greedy] < best[~greedy]).any()  # before: drawn by visits, not always the most visited
    cheap = replace(TINY, playouts=replace(TINY.playouts, full_fraction=0.0))
    run_selfplay(cheap, RolloutEvaluator(seed=8), tmp_path / "cheap", games=2)
    arrays, games = read_games(tmp_path / "cheap")
    assert not arrays["full_search"].any() and sum(g["full_searches"] for g in games) == 0
    assert (arrays["visits"] <= TINY.playouts.cheap_visits).all()


def test_the_summary_of_sidecars_written_by_hand(tmp_path):
    import json

    from selfplay.run import summarize

    def game(winner, moves, resigned=0, no_resign=False, would_resign=0):
        return {"winner": winner, "moves": moves, "resigned": resigned, "no_resign": no_resign,
                "would_resign": would_resign}

    (tmp_path / "shards").mkdir()
    (tmp_path / "pending").mkdir()
    from selfplay import records

    sidecar = {"format": records.FORMAT, "version": records.VERSION}
    (tmp_path / "shards" / "shard-000000.json").write_text(json.dumps({**sidecar, "positions": 30, "games": [
        game(1, 10), game(2, 12, resigned=1), game(1, 8, no_resign=True, would_resign=1)]}))
    (tmp_path / "pending" / "game-00000003.json").write_text(json.dumps({**sidecar, "positions": 7, "games": [
        game(2, 7, no_resign=True, would_resign=1), game(0, 9, no_resign=True)]}))
    summary = summarize(tmp_path)
    assert summary == {"games": 5, "positions": 37, "black_win_rate": 0.4, "mean_moves": 9.2, "resigned": 1,
                       "no_resign_games": 3, "would_resign": 2, "resign_false_positive_rate": 0.5}
    empty = tmp_path / "empty"
    assert summarize(empty) == {"games": 0, "positions": 0, "black_win_rate": None, "mean_moves": None, "resigned": 0,
                                "no_resign_games": 0, "would_resign": 0, "resign_false_positive_rate": None}


def test_the_start_of_each_game_follows_its_distributions():
    from gogame.rules import Rules
    from selfplay.config import GameSetup, Resignation
    from selfplay.worker import start_game

    config = replace(TINY, size=9, game=GameSetup(rules=Rules(), komi_mean=6.0, komi_stdev=2.0, handicap_fraction=0.25,
                                                  max_handicap=4, handicap_komi=0.5),
                     resign=Resignation(no_resign_fraction=0.2))
    starts = [start_game(config, i) for i in range(2000)]
    even = [g.komi for g, _, _ in starts if not g.handicap]
    assert all(k * 2 == round(k * 2) for k in even)  # half points
    assert abs(np.mean(even) - 6.0) < 0.15 and abs(np.std(even) - 2.0) < 0.15
    handicaps = [g.handicap for g, _, _ in starts if g.handicap]
    assert abs(len(handicaps) / 2000 - 0.25) < 0.03 and set(handicaps) == {2, 3, 4}
    assert all(g.komi == 0.5 for g, _, _ in starts if g.handicap)
    assert abs(sum(no_resign for _, _, no_resign in starts) / 2000 - 0.2) < 0.03
    fixed = replace(config, game=replace(config.game, komi_stdev=0.0, handicap_fraction=0.0, komi_mean=7.3),
                    resign=Resignation(no_resign_fraction=0.0))
    assert {(g.komi, g.handicap, no_resign) for g, _, no_resign in (start_game(fixed, i) for i in range(50))} \
        == {(7.5, 0, False)}  # rounded to the half point, never a handicap, always resigning
    small = replace(config, size=5, game=replace(config.game, handicap_fraction=1.0))
    assert all(g.handicap == 0 for g, _, _ in (start_game(small, i) for i in range(20)))  # 5x5 has no fixed handicap
