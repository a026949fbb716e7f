"""KataGo's rules and live parameter commands (issue 14), and pondering between moves."""
from __future__ import annotations

import json
import os
import threading
import time

import pytest

from gogame.rules import Rules
from gtp.kata_commands import LIVE_PARAMS, rules_from_text, rules_to_json
from gtp.server import serve
from tests.gtp.engines import engine as make_engine
from tests.gtp.test_engine import run


@pytest.fixture
def engine():
    return make_engine({"boardsize": 9, "time.visits": 60, "seed": 1, "ownership_playouts": 20})


@pytest.mark.parametrize("name", ["chinese", "japanese", "tromp-taylor", "new-zealand", "aga"])
def test_every_rule_set_round_trips_through_katagos_json(name):
    rules = Rules.named(name).with_changes(komi=6.5)
    assert rules_from_text(json.dumps(rules_to_json(rules)), Rules()) == rules


def test_get_rules_answers_katagos_json(engine):
    data = json.loads(run(engine, "kata-get-rules")[2:])
    assert data["ko"] == "POSITIONAL" and data["scoring"] == "AREA" and data["whiteHandicapBonus"] == "N"
    assert run(engine, "kata-set-rules japanese") == "=\n\n"
    data = json.loads(run(engine, "kata-get-rules")[2:])
    assert (data["ko"], data["scoring"], data["tax"], data["whiteHandicapBonus"]) == ("SIMPLE", "TERRITORY", "SEKI", "0")


@pytest.mark.parametrize("line, rules", [
    ("kata-set-rules korean", Rules.named("japanese")),
    ("kata-set-rules Tromp-Taylor", Rules.named("tromp-taylor")),
    ('kata-set-rules {"ko":"SITUATIONAL","scoring":"AREA","suicide":true,"whiteHandicapBonus":"N-1"}',
     Rules(ko="situational", suicide=True, handicap_compensation="n-1")),
    ("kata-set-rule ko SIMPLE", Rules(ko="simple")),
    ("kata-set-rule whiteHandicapBonus 0", Rules(handicap_compensation="none")),
    ('kata-set-rules {"scoring":"TERRITORY","tax":"SEKI","friendlyPassOk":true}', Rules(scoring="territory")),
])
def test_set_rules_by_name_json_or_one_key_keeps_the_game_and_its_komi(engine, line, rules):
    assert run(engine, "komi 5.5") == "=\n\n" and run(engine, "play b e5") == "=\n\n"
    assert run(engine, line) == "=\n\n"
    assert engine.rules == rules.with_changes(komi=5.5) and engine.game.rules == engine.rules
    assert len(engine.game.moves) == 1 and engine.game.to_move == 2


@pytest.mark.parametrize("line, reason", [
    ("kata-set-rules chess", "unknown rules"),
    ('kata-set-rules {"ko":"SPIGHT"}', "ko 'SPIGHT' is not supported"),
    ('kata-set-rules {"hasButton":true}', "hasButton true is not supported"),
    ('kata-set-rules {"ko":', "neither a name nor JSON"),
    ('kata-set-rules {"frobnicate":1}', "unknown rule 'frobnicate'"),
    ("kata-set-rule suicide maybe", "suicide must be true or false"),
    ('kata-set-rules {"ko":"SIMPLE","tax":"ALL"}', "tax 'ALL' is not supported with area scoring"),
    ('kata-set-rules {"scoring":"TERRITORY","tax":"NONE"}', "tax 'NONE' is not supported with territory scoring"),
    ('kata-set-rules {"komi":true}', "komi must be a number"),
    ("kata-set-rules stone-scoring", "unknown rules"),
    ("kata-set-rule ko", "syntax error"),
])
def test_bad_rules_are_refused_with_the_reason(engine, line, reason):
    before = engine.rules
    answer = run(engine, line)
    assert answer.startswith("? ") and reason in answer
    assert engine.rules == before


def test_rules_the_game_so_far_breaks_are_refused(engine):
    # White surrounds A1-B3; Black's B3 then takes the last liberty of its own six stones: a
    # suicide of several stones, legal with suicide on (simple ko: the board after it was seen)
    assert run(engine, 'kata-set-rules {"ko":"SIMPLE","suicide":true}') == "=\n\n"
    for line in ("play w c1", "play w c2", "play w c3", "play w b4", "play w a4",
                 "play b a1", "play b b1", "play b a2", "play b b2", "play b a3", "play b b3"):
        assert run(engine, line) == "=\n\n", line
    moves = list(engine.game.moves)
    answer = run(engine, "kata-set-rules chinese")
    assert answer.startswith("? cannot set rules: the game so far breaks them") and "suicide" in answer
    assert engine.rules == Rules(ko="simple", suicide=True) and engine.game.moves == moves


def test_list_get_and_set_params(engine):
    names = run(engine, "kata-list-params")[2:-2].split("\n")
    assert names == list(LIVE_PARAMS)
    assert run(engine, "kata-get-param maxVisits") == "= 60\n\n"
    assert run(engine, "kata-set-param maxVisits 25") == "=\n\n" and engine.config.time.visits == 25
    assert run(engine, "kata-get-param time.visits") == "= 25\n\n"
    assert run(engine, "kata-set-param search.c_puct 2.5") == "=\n\n"
    assert engine.searcher.config.c_puct == 2.5 and run(engine, "kata-get-param search.c_puct") == "= 2.5\n\n"
    assert run(engine, "kata-set-param chosenMoveTemperature 0.5") == "=\n\n"
    assert engine.config.move_temperature == 0.5 and run(engine, "genmove b").startswith("= ")
    assert run(engine, "kata-set-param ponderingEnabled true") == "=\n\n" and engine.config.ponder
    assert run(engine, "kata-get-param ponder") == "= true\n\n"


@pytest.mark.parametrize("line, reason", [
    ("kata-set-param maxVisits -5", "visits must be at least 1"),
    ("kata-set-param maxVisits lots", "cannot set maxVisits"),
    ("kata-set-param node_limit 5", "unknown parameter node_limit"),
    ("kata-get-param frobnicate", "unknown parameter frobnicate"),
    ("kata-set-param chosenMoveTemperature -1", "move_temperature must be at least 0"),
    ("kata-set-param maxVisits", "syntax error"),
])
def test_bad_params_are_refused_and_change_nothing(engine, line, reason):
    before = engine.config
    answer = run(engine, line)
    assert answer.startswith("? ") and reason in answer, answer
    assert engine.config == before


def test_move_temperature_draws_among_the_searched_moves():
    engine = make_engine({"boardsize": 9, "time.visits": 200, "seed": 3, "move_temperature": 10.0})
    played = set()
    for _ in range(6):
        assert run(engine, "clear_board") == "=\n\n"
        played.add(run(engine, "genmove b"))
    assert len(played) > 1  # at visits ** 0.1 the runners-up are drawn too


def test_pondering_searches_on_the_opponents_time_and_the_tree_is_reused():
    engine = make_engine({"boardsize": 9, "time.visits": 100, "seed": 1, "ponder": True})
    engine.searcher.warm_up()
    assert run(engine, "genmove b").startswith("= ")
    result = engine.ponder(should_stop=lambda: engine.searcher.tree.visits[engine.searcher.root] > 1500)
    assert result is not None and result.to_move == 2 and result.visits > 1000
    assert engine.ponder(should_stop=lambda: True) is None  # once per own move
    reply = result.moves[0].move
    assert run(engine, f"play w {__import__('gogame.coords', fromlist=['to_gtp']).to_gtp(reply, 9)}") == "=\n\n"
    assert run(engine, "genmove b").startswith("= ")
    assert engine.last_result.visits > 200  # the pondered subtree's visits, plus this move's 100


def test_no_pondering_when_off_or_when_it_is_the_engines_turn(engine):
    assert run(engine, "genmove b").startswith("= ")
    assert engine.ponder(should_stop=lambda: True) is None  # ponder is off
    engine.config = engine.config.__class__(**{**engine.config.__dict__, "ponder": True})
    assert run(engine, "play w c3") == "=\n\n"
    assert engine.ponder(should_stop=lambda: True) is None  # the engine's own turn: nothing to ponder


def test_the_server_ponders_between_lines_and_answers_the_next_at_once(tmp_path):
    engine = make_engine({"boardsize": 9, "time.visits": 50, "seed": 1, "ponder": True})
    engine.searcher.warm_up()
    read_end, write_end = os.pipe()
    out_path = tmp_path / "out.txt"
    with open(read_end, "rb") as source, open(out_path, "w") as sink:
        thread = threading.Thread(target=serve, args=(engine, source, sink))
        thread.start()
        with open(write_end, "wb", buffering=0) as feed:
            feed.write(b"genmove b\n")
            time.sleep(2.0)  # the opponent thinks; the engine ponders
            pondered = int(engine.searcher.tree.visits[engine.searcher.root])
            started = time.monotonic()
            feed.write(b"name\n")
            while "Tengen" not in out_path.read_text() and time.monotonic() - started < 10:
                time.sleep(0.01)
            answered = time.monotonic() - started
            feed.write(b"quit\n")
        thread.join(timeout=30)
    assert pondered > 100 and answered < 2.0
    assert out_path.read_text().count("\n\n") == 3


@pytest.mark.parametrize("moves", [["genmove w"], ["play w e5"], ["play b c3", "genmove w"]])
def test_undo_gives_the_move_back_to_its_player(engine, moves):
    for line in moves:
        assert run(engine, line).startswith("=")
    assert run(engine, "undo") == "=\n\n"
    assert engine.game.to_move == 2  # White's move was taken back: White moves again
