"""Expert game generation: SGF files from GNU Go games, varied, resumable, in parallel."""
from __future__ import annotations

from gogame.sgf import read_sgf, record_to_game
from gtp.client import find_gnugo
from selfplay.expert import ExpertGamesConfig, generate_expert_games, random_opening
from tests.conftest import require_tool

import numpy as np
import pytest


@pytest.mark.gnugo
def test_games_are_written_varied_and_resumable(tmp_path):
    gnugo = require_tool(find_gnugo(), "GNU Go (apt-get install gnugo)")
    config = ExpertGamesConfig(engine=f"{gnugo} --mode gtp --chinese-rules --level {{level}} --seed {{seed}}",
                               size=7, komi=7.5, games=4, levels=(1, 2), opening_moves=3, workers=2)
    played = generate_expert_games(config, tmp_path)
    assert [index for index, _ in played] == [0, 1, 2, 3]
    records = [read_sgf(path) for path in sorted(tmp_path.glob("game-*.sgf"))]
    assert len(records) == 4 and all(r.result for r in records)
    assert len({tuple(r.moves) for r in records}) == 4  # no two games alike
    for record in records:
        record_to_game(record)  # every game replays legally
    (tmp_path / "game-000002.sgf").unlink()
    again = generate_expert_games(config, tmp_path)
    assert [index for index, _ in again] == [2]  # only the missing game is played again
    assert not list(tmp_path.glob("*.tmp*"))


def test_random_openings_stay_off_the_first_line():
    opening = random_opening(9, 6, np.random.default_rng(0))
    assert len(opening) == 6 and len(set(opening)) == 6
    assert all(2 <= p // 11 <= 8 and 2 <= p % 11 <= 8 for p in opening)
