"""Argument handling across the command families, answered exactly as the GTP specification
words it: a wrong count of arguments is ``syntax error`` for every command that takes a fixed
number; komi survives a change of rule set, and a new board takes the rules in force; the free
handicap's stone range at both ends; is_legal is asked for the colour given; the dead-stone
estimate runs with the configured playouts and seed."""
from __future__ import annotations

import pytest

import gtp.scoring_commands as scoring_commands
from gogame.board_nb import BLACK
from tests.gtp.engines import engine as make_engine
from tests.gtp.test_engine import run


@pytest.fixture
def engine():
    return make_engine({"boardsize": 5, "time.visits": 16, "ownership_playouts": 20, "seed": 3})


@pytest.mark.parametrize("line", ["boardsize", "boardsize 9 9", "komi", "komi 1 2", "kgs-rules", "kgs-rules a b",
                                  "fixed_handicap", "fixed_handicap 2 3", "place_free_handicap",
                                  "place_free_handicap 2 3", "is_legal b", "captures", "captures b w", "play b",
                                  "genmove", "time_settings 1 2", "time_left b 10", "final_status_list",
                                  "list_stones"])
def test_a_wrong_number_of_arguments_is_a_syntax_error(engine, line):
    assert run(engine, line) == "? syntax error\n\n"


def test_a_bad_free_handicap_vertex_list_says_so(engine):
    assert run(engine, "set_free_handicap C3 Z9") == "? bad vertex list\n\n"
    assert run(engine, "set_free_handicap C3 pass") == "? bad vertex list\n\n"


def test_komi_survives_a_change_of_rules_and_a_new_board_takes_the_rules_in_force(engine):
    run(engine, "komi 6.5")
    run(engine, "kgs-rules japanese")
    assert engine.rules.komi == 6.5 and engine.rules.scoring == "territory"
    assert engine.game.rules == engine.rules
    run(engine, "boardsize 7")
    assert engine.game.rules.scoring == "territory" and engine.game.komi == 6.5
    run(engine, "clear_board")
    assert engine.game.rules == engine.rules


def test_the_free_handicap_takes_two_to_all_but_one_point(engine):
    assert run(engine, "place_free_handicap 1") == "? invalid number of stones\n\n"
    assert run(engine, "place_free_handicap 2").startswith("= ")
    run(engine, "clear_board")
    assert len(run(engine, "place_free_handicap 24")[2:].split()) == 24  # 5x5: every point but one
    run(engine, "clear_board")
    assert run(engine, "place_free_handicap 25") == "? invalid number of stones\n\n"


def test_is_legal_asks_for_the_colour_given(engine):
    for line in ("play b B1", "play b A2", "play w E5"):
        run(engine, line)
    assert engine.game.to_move == BLACK
    assert run(engine, "is_legal w A1") == "= 0\n\n"  # White's suicide in Black's corner
    assert run(engine, "is_legal b A1") == "= 1\n\n"


def test_the_dead_stone_estimate_uses_the_configured_playouts_and_seed(engine, monkeypatch):
    seen = []
    monkeypatch.setattr(scoring_commands, "final_status",
                        lambda game, config: seen.append(config) or {"alive": [], "dead": [], "seki": []})
    run(engine, "final_score")
    assert [(c.playouts, c.seed) for c in seen] == [(20, 3)]
