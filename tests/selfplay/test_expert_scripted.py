"""Expert game generation between scripted GTP engines (tests/selfplay/fake_engine.py), so that it
runs without GNU Go: the {seed} and {level} templates, colours swapped every other game, the
random opening, komi, files written and resumed, progress, and the worker pool."""
from __future__ import annotations

import shlex
import sys

import pytest

from gogame.sgf import read_sgf
from selfplay.expert import ExpertGamesConfig, game_path, generate_expert_games
from tests.selfplay.test_match import FAKE_ENGINE


def template(name: str, plan: str) -> str:
    """A scripted engine whose GTP name carries the {level} and {seed} it was started with."""
    return " ".join([shlex.quote(sys.executable), shlex.quote(str(FAKE_ENGINE)),
                     "--name", f"{name}-L{{level}}-S{{seed}}", "--plan", plan])


def name_parts(name: str) -> tuple[str, int, int]:
    engine, level, seed = name.split("-")
    return engine, int(level[1:]), int(seed[1:])


def test_games_fill_the_templates_swap_colours_and_keep_the_opening(tmp_path):
    config = ExpertGamesConfig(engine=template("Eng", "pass/B+1"), opponent=template("Opp", "pass/B+1"),
                               size=5, komi=3.5, games=4, levels=(3, 5), opening_moves=2, seed=7, workers=1)
    progress = []
    played = generate_expert_games(config, tmp_path, progress=lambda done, total: progress.append((done, total)))
    assert played == [(0, "B+1"), (1, "B+1"), (2, "B+1"), (3, "B+1")]
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]
    records = [read_sgf(game_path(tmp_path, i)) for i in range(4)]
    seeds = []
    for index, record in enumerate(records):
        black, black_level, black_seed = name_parts(record.black_name)
        white, white_level, white_seed = name_parts(record.white_name)
        assert (black, white) == (("Eng", "Opp") if index % 2 == 0 else ("Opp", "Eng"))
        assert {black_level, white_level} <= {3, 5}
        assert 1 <= black_seed < 2**31 and 1 <= white_seed < 2**31
        seeds += [black_seed, white_seed]
        assert record.size == 5 and record.komi == 3.5 and record.result == "B+1"
        # the opening (0 to 2 random moves, off the first line), then both engines pass
        opening, passes = record.moves[:-2], record.moves[-2:]
        assert len(opening) <= 2 and [pt for _, pt in passes] == [0, 0]
        assert all(pt != 0 for _, pt in opening)
    assert any(len(r.moves) > 2 for r in records)  # some game had an opening
    assert len(set(seeds)) == 8  # every engine of every game gets its own seed
    assert not list(tmp_path.glob("*.tmp*"))
    # the same configuration plays the same games: the seeds come from (config.seed, game index)
    again = generate_expert_games(config, tmp_path / "again")
    assert again == played
    assert [read_sgf(game_path(tmp_path / "again", i)).moves for i in range(4)] == [r.moves for r in records]
    assert [read_sgf(game_path(tmp_path / "again", i)).black_name for i in range(4)] == [r.black_name for r in records]


def test_no_opening_moves_when_none_are_asked_for(tmp_path):
    config = ExpertGamesConfig(engine=template("Eng", "pass"), size=5, komi=0.5, games=2, opening_moves=0, workers=1)
    assert [index for index, _ in generate_expert_games(config, tmp_path)] == [0, 1]
    assert [read_sgf(game_path(tmp_path, i)).moves for i in range(2)] == [[(1, 0), (2, 0)]] * 2


def test_generation_resumes_playing_only_the_missing_games(tmp_path):
    config = ExpertGamesConfig(engine=template("Eng", "pass/W+2"), size=5, komi=0.5, games=3, workers=1)
    assert generate_expert_games(config, tmp_path) == [(0, "W+2"), (1, "W+2"), (2, "W+2")]
    before = game_path(tmp_path, 0).read_bytes()
    game_path(tmp_path, 1).unlink()
    assert generate_expert_games(config, tmp_path) == [(1, "W+2")]
    assert game_path(tmp_path, 0).read_bytes() == before and game_path(tmp_path, 1).exists()
    assert generate_expert_games(config, tmp_path) == []


def test_a_game_with_a_disagreement_is_skipped_and_not_written(tmp_path):
    # both sides play C3: White's C3 is refused by the referee
    config = ExpertGamesConfig(engine=template("Eng", "moves=C3:C3"), size=5, komi=0.5, games=1,
                               opening_moves=0, workers=1)
    [(index, outcome)] = generate_expert_games(config, tmp_path)
    assert index == 0 and outcome.startswith("skipped: move 2:")
    assert not game_path(tmp_path, 0).exists()


@pytest.mark.parametrize("games", [3])
def test_worker_processes_play_every_game_and_report_progress(tmp_path, games):
    config = ExpertGamesConfig(engine=template("Eng", "pass/B+1"), size=5, komi=0.5, games=games, workers=2)
    progress = []
    played = generate_expert_games(config, tmp_path, progress=lambda done, total: progress.append((done, total)))
    assert played == [(i, "B+1") for i in range(games)]  # sorted by game, whatever order they finished in
    assert progress == [(i + 1, games) for i in range(games)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"game-{i:06d}.sgf" for i in range(games)]
    serial = generate_expert_games(ExpertGamesConfig(**{**config.__dict__, "workers": 1}), tmp_path / "serial")
    assert serial == played
    assert [read_sgf(game_path(tmp_path / "serial", i)).moves for i in range(games)] == \
        [read_sgf(game_path(tmp_path, i)).moves for i in range(games)]
