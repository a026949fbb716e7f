"""``tengen analysis``, KataGo's JSON analysis protocol (issue 14): a KaTrain-shaped session with
many queries in flight and several turns of one game at once, positions batched into shared
network calls, and malformed lines answered with errors while the engine keeps running."""
from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import threading

import numpy as np
import pytest

from gtp.config import EngineConfig
from gtp.json_analysis import AnalysisEngine, parse_query, serve_analysis
from tengen.wiring import build_searcher

OPENING = [["B", "E5"], ["W", "C3"], ["B", "G7"], ["W", "G3"], ["B", "C7"], ["W", "D5"], ["B", "E3"], ["W", "F4"]]


@pytest.fixture(scope="module")
def searcher():
    search = build_searcher(EngineConfig(boardsize=9, seed=1))
    search.warm_up()
    return search


def session(searcher, lines: list[str], positions: int = 16, visits: int = 24) -> tuple[list[dict], AnalysisEngine]:
    answers: list[dict] = []
    engine = AnalysisEngine(searcher, answers.append, default_visits=visits, positions_per_batch=positions)
    serve_analysis(engine, io.BytesIO("".join(line + "\n" for line in lines).encode()))
    return answers, engine


def katrain_query(number: int, moves: list, **extra) -> dict:
    """The fields KaTrain sends with each analysis request (katrain/core/engine.py)."""
    return {"rules": "japanese", "priority": 0, "analyzeTurns": [len(moves)], "maxVisits": 24, "komi": 6.5,
            "boardXSize": 9, "boardYSize": 9, "includeOwnership": True, "includeMovesOwnership": True,
            "includePolicy": True, "initialStones": [], "initialPlayer": "B", "moves": moves,
            "overrideSettings": {"reportAnalysisWinratesAs": "BLACK", "wideRootNoise": 0.0},
            "id": f"QUERY:{number}", **extra}


def results(answers: list[dict]) -> list[dict]:
    return [a for a in answers if "moveInfos" in a]


def check_well_formed(answer: dict, size: int = 9) -> None:
    assert isinstance(answer["id"], str) and isinstance(answer["turnNumber"], int) and answer["isDuringSearch"] is False
    infos = answer["moveInfos"]
    assert infos and [info["order"] for info in infos] == list(range(len(infos)))
    for info in infos:
        assert info["visits"] > 0 and 0 <= info["winrate"] <= 1 and 0 <= info["prior"] <= 1
        assert info["pv"][0] == info["move"]
    visits = [info["visits"] for info in infos]
    assert visits == sorted(visits, reverse=True)
    root = answer["rootInfo"]
    assert root["currentPlayer"] in ("B", "W") and 0 <= root["winrate"] <= 1 and root["visits"] >= 1
    if "ownership" in answer:
        assert len(answer["ownership"]) == size * size and all(-1 <= v <= 1 for v in answer["ownership"])
    if "policy" in answer:
        policy = np.array(answer["policy"])
        assert len(policy) == size * size + 1 and abs(policy[policy >= 0].sum() - 1) < 1e-3


def test_a_katrain_session_gets_one_well_formed_answer_per_turn_and_batches_positions(searcher):
    queries = [katrain_query(n, OPENING[: n % 9]) for n in range(20)]
    queries.append(katrain_query(20, OPENING, analyzeTurns=[0, 2, 4, 6, 8]))  # a whole game's turns at once
    answers, engine = session(searcher, [json.dumps(q) for q in queries])
    analysed = results(answers)
    expected = {(f"QUERY:{n}", n % 9) for n in range(20)} | {("QUERY:20", t) for t in (0, 2, 4, 6, 8)}
    assert sorted((a["id"], a["turnNumber"]) for a in analysed) == sorted(expected)
    for answer in analysed:
        check_well_formed(answer)
        assert answer["rootInfo"]["currentPlayer"] == ("B" if answer["turnNumber"] % 2 == 0 else "W")
        assert "ownership" in answer and "policy" in answer
    warnings = [a for a in answers if "warning" in a]
    # no score or ownership head in the bundled networks: said once per query, as is the unused setting
    assert {w["field"] for w in warnings} == {"scoreLead", "includeMovesOwnership", "overrideSettings.wideRootNoise"}
    # 25 positions, up to 16 at a time: leaves of many positions share each network call
    single_answers, single = session(searcher, [json.dumps(queries[3])])
    assert engine.counter.mean > 3 * single.counter.mean and engine.counter.mean > 40


def test_malformed_lines_get_errors_and_the_engine_keeps_running(searcher):
    rng = random.Random(7)
    good = json.dumps(katrain_query(1, OPENING[:2]))
    shapes = ["", "{", "}", "[]", "null", "42", '"text"', "{}", '{"id": 5}', good[:-1], good[:len(good) // 2],
              "\x00\xff", "[" * 5000, '{"id": "x", "moves": "E5"}', '{"id": "x", "boardXSize": "nine"}',
              '{"id": "x", "action": "fly"}', '{"id": "x", "analyzeTurns": [99]}', '{"id": "x", "komi": "seven"}',
              '{"id": "x", "boardXSize": 9, "moves": [["B", "E5"], ["W", "E5"]]}', '{"id": "x", "maxVisits": -1}',
              '{"id": "x", "maxVisits": 1e400}', '{"id": "x", "rules": {"ko": "SPIGHT"}}']
    lines = [rng.choice(shapes) + "".join(rng.choice("{}[]\",:x0 ") for _ in range(rng.randrange(3)))
             for _ in range(1000)]
    lines = [line for line in lines if line.strip()] + [good]
    answers, _ = session(searcher, lines)
    errors = [a for a in answers if "error" in a]
    assert len(errors) >= len(lines) - 1 - sum(line == good for line in lines[:-1])
    assert all(isinstance(e["error"], str) and e["error"] for e in errors)
    assert [a["id"] for a in results(answers)][-1] == "QUERY:1"


@pytest.mark.parametrize("query, field, message", [
    ({"boardXSize": 9, "boardYSize": 13}, "boardYSize", "rectangular"),
    ({"boardXSize": 30}, "boardXSize", "within 2..25"),
    ({"moves": [["B", "E5"], ["W", "E5"]]}, "moves", "move 2 is illegal"),
    ({"moves": [["X", "E5"]]}, "moves", "not a colour"),
    ({"moves": [["B", "E5"]], "analyzeTurns": [2]}, "analyzeTurns", "within 0..1"),
    ({"rules": "chess"}, "rules", "unknown rules"),
    ({"komi": "7.5"}, "komi", "must be a number"),
    ({"includeOwnership": "yes"}, "includeOwnership", "true or false"),
    ({"initialStones": [["B", "A1"], ["W", "A2"], ["W", "B1"]]}, "initialStones", "liberties"),
    ({"avoidMoves": [{"player": "B", "moves": ["E5"]}]}, "avoidMoves", "untilDepth"),
    ({"overrideSettings": {"reportAnalysisWinratesAs": "WHITE"}}, "overrideSettings", "BLACK or SIDETOMOVE"),
])
def test_bad_fields_are_named_in_the_error(searcher, query, field, message):
    answers, _ = session(searcher, [json.dumps({"id": "q", "boardXSize": 9, **query})])
    assert len(answers) == 1 and answers[0]["id"] == "q" and answers[0]["field"] == field
    assert message in answers[0]["error"]


def test_values_are_from_blacks_view_unless_the_side_to_move_is_asked_for(searcher):
    # Black has two walls: Black is winning whoever is to move
    walls = [["B", f"{col}{row}"] for col in "CG" for row in range(1, 10)]
    base = {"boardXSize": 9, "boardYSize": 9, "komi": 0.5, "initialStones": walls, "maxVisits": 40,
            "includeOwnership": True}
    lines = [json.dumps({**base, "id": "black", "initialPlayer": "W"}),
             json.dumps({**base, "id": "side", "initialPlayer": "W",
                         "overrideSettings": {"reportAnalysisWinratesAs": "SIDETOMOVE"}})]
    answers = {a["id"]: a for a in results(session(searcher, lines)[0])}
    assert answers["black"]["rootInfo"]["winrate"] > 0.6 and answers["side"]["rootInfo"]["winrate"] < 0.4
    assert sum(answers["black"]["ownership"]) > 20 and sum(answers["side"]["ownership"]) < -20


def test_policy_marks_illegal_points_and_avoid_moves_are_left_out(searcher):
    query = {"id": "p", "boardXSize": 9, "boardYSize": 9, "moves": [["B", "E5"]], "includePolicy": True,
             "maxVisits": 60, "avoidMoves": [{"player": "W", "moves": ["D5", "F5", "E4", "E6"], "untilDepth": 1}]}
    answer = results(session(searcher, [json.dumps(query)])[0])[0]
    policy = answer["policy"]
    assert policy[4 * 9 + 4] == -1 and all(v >= 0 for i, v in enumerate(policy) if i != 40)
    assert not {info["move"] for info in answer["moveInfos"]} & {"D5", "F5", "E4", "E6"}


def test_actions_version_and_terminate(searcher):
    lines = [json.dumps({"id": "v", "action": "query_version"}),
             json.dumps(katrain_query(7, OPENING, analyzeTurns=[1, 2, 3])),
             json.dumps({"id": "t", "action": "terminate", "terminateId": "QUERY:7", "turnNumbers": [2, 3]}),
             json.dumps({"id": "t2", "action": "terminate"}),
             json.dumps({"id": "c", "action": "clear_cache"})]
    answers, _ = session(searcher, lines)
    assert answers[0] == {"id": "v", "action": "query_version", "version": "1.0", "git_hash": "tengen"}
    assert {(a["turnNumber"], a.get("noResults")) for a in answers if a.get("id") == "QUERY:7" and "turnNumber" in a} \
        == {(1, None), (2, True), (3, True)}
    assert any(a.get("id") == "t" and a.get("terminateId") == "QUERY:7" for a in answers)
    assert any(a.get("id") == "t2" and a.get("field") == "terminateId" for a in answers)
    assert any(a == {"id": "c", "action": "clear_cache"} for a in answers)


def test_priority_orders_the_queue(searcher):
    lines = [json.dumps({"id": name, "boardXSize": 9, "boardYSize": 9, "maxVisits": 8, "priority": priority})
             for name, priority in (("low", -5), ("mid", 0), ("high", 10))]
    order = [a["id"] for a in results(session(searcher, lines, positions=1)[0])]
    assert order == ["high", "mid", "low"]


def test_parse_query_turns_and_initial_player():
    positions, warnings = parse_query({"id": "a", "boardXSize": 9, "moves": OPENING[:3], "analyzeTurns": [3, 0],
                                      "initialPlayer": "W", "frob": 1}, 100, 1)
    assert [p.turn for p in positions] == [0, 3] and positions[0].game.to_move == 2
    assert [len(p.game.moves) for p in positions] == [0, 3] and positions[0].visits == 100
    assert warnings == [{"id": "a", "field": "frob", "warning": "unexpected or unused field"}]


def test_the_command_line_answers_a_session(tmp_path):
    lines = [json.dumps(katrain_query(n, OPENING[:n])) for n in range(3)] + ["not json"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run([sys.executable, "-m", "tengen", "analysis", "--set", "boardsize=9", "--visits", "16"],
                          input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    answers = [json.loads(line) for line in done.stdout.splitlines()]  # only JSON on stdout
    assert sorted(a["id"] for a in results(answers)) == ["QUERY:0", "QUERY:1", "QUERY:2"]
    assert sum("error" in a for a in answers) == 1 and "mean batch" in done.stderr


def test_a_huge_until_depth_and_a_pass_stone_are_handled(searcher):
    deep = {"id": "deep", "boardXSize": 9, "boardYSize": 9, "maxVisits": 16,
            "avoidMoves": [{"player": "B", "moves": ["E5"], "untilDepth": 10**23}]}
    answers, _ = session(searcher, [json.dumps(deep), json.dumps({"id": "pass", "boardXSize": 9,
                                                                   "initialStones": [["B", "pass"]]})])
    (answer,) = results(answers)
    assert answer["id"] == "deep" and all(info["move"] != "E5" for info in answer["moveInfos"])
    assert any(a.get("id") == "pass" and a.get("field") == "initialStones" for a in answers)


def test_the_visits_asked_for_are_searched_on_a_19x19_board(searcher):
    answer = results(session(searcher, [json.dumps({"id": "big", "boardXSize": 19, "maxVisits": 200})])[0])[0]
    assert answer["rootInfo"]["visits"] >= 198  # every simulation but a rare game end passes a child


def test_the_default_board_is_the_engines(searcher):
    answers: list[dict] = []
    engine = AnalysisEngine(searcher, answers.append, default_visits=8, default_size=9)
    serve_analysis(engine, io.BytesIO(b'{"id": "d", "moves": [["B", "E5"]]}\n'))
    assert results(answers)[0]["rootInfo"]["currentPlayer"] == "W" and len(answers) >= 1


def test_terminate_stops_a_running_search_and_new_queries_are_read_meanwhile(searcher):
    import time

    read_end, write_end = os.pipe()
    answers: list[dict] = []
    arrived: list[float] = []

    def collect(answer: dict) -> None:
        answers.append(answer)
        arrived.append(time.monotonic())

    engine = AnalysisEngine(searcher, collect, default_visits=8)
    with open(read_end, "rb") as source:
        thread = threading.Thread(target=serve_analysis, args=(engine, source))
        thread.start()
        with open(write_end, "wb", buffering=0) as feed:
            feed.write(b'{"id": "big", "boardXSize": 9, "maxVisits": 1000000}\n')
            time.sleep(1.0)
            sent = time.monotonic()
            feed.write(b'{"id": "v", "action": "query_version"}\n')
            feed.write(b'{"id": "t", "action": "terminate", "terminateId": "big"}\n')
            time.sleep(1.0)
        thread.join(timeout=60)
    by_id = {a.get("id"): (a, t) for a, t in zip(answers, arrived)}
    assert by_id["v"][1] - sent < 1.0 and by_id["t"][1] - sent < 1.0  # read while "big" was searching
    big = by_id["big"][0]
    assert big["isDuringSearch"] is False and 0 < big["rootInfo"]["visits"] < 1000000  # what it had found
