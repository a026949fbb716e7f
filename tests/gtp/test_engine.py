"""The engine in-process: analysis streams and their stopping, interrupts, resignation, passing,
GoGui analyze commands, and the terminal front end."""
from __future__ import annotations

import io
import re
import time

import pytest

from gogame.board_nb import BLACK
from tests.gtp.engines import config as make_config, engine as make_engine
from gtp.engine import GtpEngine
from gtp.protocol import parse
from gtp.terminal import play_in_terminal
from nets.evaluator import UniformEvaluator
from search.mcts import MCTS, SearchConfig

# a move on the 9x9 board (no I column) or a pass; what genmove may answer: one of those or resign
VERTEX_9X9 = r"(?:[A-HJ][1-9]|pass)"
GENMOVE_9X9 = rf"(?:{VERTEX_9X9}|resign)"


def run(engine: GtpEngine, line: str, **io_hooks) -> str:
    out: list[str] = []
    engine.execute(parse(line), out.append, **io_hooks)
    return "".join(out)


def stop_after(seconds: float):
    start = time.monotonic()
    return lambda: time.monotonic() - start > seconds


def streamed(engine: GtpEngine, line: str, snapshots: int = 3) -> str:
    """Run an analysis command, sending the next input once ``snapshots`` info lines came (by
    count, not by clock: a loaded machine only makes the stream slower)."""
    out: list[str] = []
    engine.execute(parse(line), out.append, input_pending=lambda: "".join(out).count("\ninfo ") >= snapshots)
    return "".join(out)


def is_variation(body: str, first: str) -> bool:
    """A GoGui ``VAR`` answer: colour and vertex pairs, the colours alternating from ``first``,
    each vertex on the 9x9 board or a pass."""
    tokens = body.split(" ")
    if tokens[0] != "VAR" or len(tokens) < 3 or len(tokens) % 2 == 0:
        return False
    colours = tokens[1::2]
    order = "bw" if first == "b" else "wb"
    return (colours == [order[i % 2] for i in range(len(colours))]
            and all(re.fullmatch(r"[A-HJ][1-9]|pass", vertex) for vertex in tokens[2::2]))


def test_the_variation_check_takes_passes_and_refuses_malformed_lines():
    assert is_variation("VAR b E5 w pass b D4", "b") and is_variation("VAR w pass", "w")
    for bad in ("VAR b E5 b D4", "VAR b I5", "VAR b E5 w", "VAR", "VAR w E5", "VAR b E10", "VAR b E5  w D4"):
        assert not is_variation(bad, "b"), bad


@pytest.fixture
def engine():
    engine = make_engine({"boardsize": 9, "time.visits": 400, "seed": 1, "ownership_playouts": 100})
    engine.searcher.warm_up()
    return engine


@pytest.mark.parametrize("command", ["lz-analyze B 10", "kata-analyze b interval 10", "7 lz-analyze 10"])
def test_analysis_streams_until_input_then_closes_with_one_blank_line(engine, command):
    text = streamed(engine, command)
    head, *lines = text.split("\n")
    assert head == ("=7" if command.startswith("7") else "=")
    assert text.endswith("\n\n") and not text.endswith("\n\n\n")
    info = [line for line in lines if line]
    assert len(info) >= 2 and all(line.startswith("info move ") for line in info)
    blocks = info[-1].split("info ")[1:]
    assert all(" pv " in block for block in blocks)
    # Leela Zero's winrate is an integer in 1/10000ths, KataGo's a fraction with six decimals
    number = r"\d+" if command.startswith(("lz", "7")) else r"[01]\.\d{6}"
    pattern = (rf"move {VERTEX_9X9} visits (\d+) (?:edgeVisits \d+ )?winrate {number} prior {number} "
               rf"lcb -?{number} order (\d+) pv {VERTEX_9X9}( {VERTEX_9X9})*")
    fields = [re.fullmatch(pattern, block.strip()) for block in blocks]
    assert all(fields), blocks
    # candidates best (most visited) first, numbered from 0
    assert [int(f.group(2)) for f in fields] == list(range(len(blocks)))
    visits = [int(f.group(1)) for f in fields]
    assert visits == sorted(visits, reverse=True)


@pytest.mark.parametrize("dialect", ["lz", "kata"])
def test_analysis_winrates_are_from_the_analysed_sides_view(engine, dialect):
    assert run(engine, "komi 0.5") == "=\n\n"
    for col in "CG":  # two black walls, no white stone: Black owns the board
        for row in range(1, 10):
            assert run(engine, f"play b {col}{row}") == "=\n\n"
    scale = 10000 if dialect == "lz" else 1
    for color, winning in (("B", True), ("W", False)):
        text = streamed(engine, f"{dialect}-analyze {color} 10")
        last = [line for line in text.split("\n") if line.startswith("info")][-1]
        best = float(re.search(r"winrate (\S+)", last).group(1)) / scale
        assert (best > 0.5) == winning, (color, last[:200])


def test_kata_ownership_is_from_the_side_to_move(engine):
    walls = " ".join(f"{col}{row}" for col in "CG" for row in range(1, 10))
    assert run(engine, f"set_free_handicap {walls}") == "=\n\n"  # two black walls: Black owns most
    for color, sign in (("B", 1), ("W", -1)):
        text = streamed(engine, f"kata-analyze {color} 10 ownership true")
        last = [line for line in text.split("\n") if line.startswith("info")][-1]
        values = [float(v) for v in last.split(" ownership ")[1].split()]
        assert len(values) == 81 and all(-1 <= v <= 1 for v in values)
        assert sign * sum(values) / 81 > 0.3


@pytest.mark.parametrize("command, error", [
    ("lz-analyze B 10 ownership true", "?7 cannot parse analyze tags: unknown key ownership"),
    ("kata-analyze B 10 frobnicate 3", "?7 unknown key frobnicate"),
    ("kata-analyze B 10 ownership maybe", "?7 ownership expects true or false, not 'maybe'"),
    ("kata-analyze B interval", "?7 missing value for interval"),
    ("kata-analyze B 10 minmoves -3", "?7 minmoves must be at least 0, not -3"),
    ("kata-analyze B 10 maxmoves many", "?7 maxmoves expects a whole number, not 'many'"),
    ("kata-analyze B 10 avoid b e5 1 avoid w", "?7 avoid expects a colour, vertices and a depth"),
    ("kata-analyze B 10 avoid x e5 1", "?7 avoid: 'x' is not a colour"),
    ("kata-analyze B 10 allow b e5,z99 1", "?7 allow: vertex 'z99' is off the 9x9 board"),
    ("lz-analyze B 10 avoid b e5 0", "?7 cannot parse analyze tags: avoid: depth must be at least 1, not 0"),
    ("lz-genmove_analyze B 10 allow b e5 deep", "?7 cannot parse analyze tags: allow: depth 'deep' is not a whole number"),
])
def test_bad_analysis_arguments_fail_cleanly(engine, command, error):
    assert run(engine, f"7 {command}") == f"{error}\n\n"


def test_genmove_analyze_streams_then_plays(engine):
    engine.config = make_config({"boardsize": 9, "time.seconds": 0.4, "seed": 1})
    text = run(engine, "kata-genmove_analyze W 5")
    lines = text.split("\n")
    assert lines[0] == "=" and text.endswith("\n\n")
    play = [line for line in lines if line.startswith("play ")]
    assert len(play) == 1 and any(line.startswith("info ") for line in lines)
    assert engine.game.moves[-1].color == 2


@pytest.mark.wallclock
def test_interrupt_stops_a_long_genmove(engine):
    engine.config = make_config({"boardsize": 9, "time.seconds": 60.0})
    start = time.monotonic()
    text = run(engine, "genmove b", interrupted=stop_after(0.3))
    assert time.monotonic() - start < 10 and re.fullmatch(rf"= {GENMOVE_9X9}\n\n", text)


@pytest.mark.wallclock
def test_time_left_is_respected(engine):
    engine.config = make_config({"boardsize": 9})
    run(engine, "time_settings 0 2 1")  # Canadian: 2 seconds for every move
    start = time.monotonic()
    assert run(engine, "genmove b").startswith("= ")
    assert time.monotonic() - start < 2.0


def test_resigns_when_hopeless_and_passes_when_passing_wins(engine):
    engine.config = make_config({"boardsize": 9, "time.visits": 400, "resign_min_visits": 200, "resign_threshold": 0.05, "ownership_playouts": 100})
    run(engine, "komi 150")
    assert run(engine, "genmove b") == "= resign\n\n"
    assert engine.game.moves == []  # resigning plays nothing
    run(engine, "komi 0.5")
    for move in ("play b E5", "play w pass"):
        run(engine, move)
    assert run(engine, "genmove b") == "= pass\n\n"  # Black owns the board: passing ends it, won


def test_gogui_analyze_commands_answer_in_their_formats(engine):
    entries = run(engine, "gogui-analyze_commands")[2:].strip().split("\n")
    assert len(entries) == 3
    for entry in entries:
        kind, label, command = entry.split("/")
        text = run(engine, command.replace("%m", "b"))
        assert text.startswith("= ") or text.startswith("=\n")
        body = text[1:].strip()
        if kind == "dboard":
            rows = body.split("\n")
            assert len(rows) == 9 and all(len(row.split()) == 9 for row in rows)
        elif "heat" in label.lower():
            assert all(re.fullmatch(r"INFLUENCE [A-HJ][1-9] [01]\.\d\d", line) for line in body.split("\n"))
        else:
            assert is_variation(body, "b"), body


def test_terminal_game_plays_undoes_and_scores():
    engine = make_engine({"boardsize": 5, "time.visits": 200, "seed": 0, "ownership_playouts": 50})
    answers = iter(["C3", "Z9", "C3", "undo", "B2", "score", "help", "resign"])
    out = io.StringIO()
    result = play_in_terminal(engine, BLACK, lambda prompt: next(answers), out)
    text = out.getvalue()
    assert result == "W+R"
    assert "Tengen plays" in text and "off the 5x5 board" in text and "occupied" in text
    assert "score now" in text and "Result: W+R" in text


def test_cleanup_captures_dead_stones_that_a_normal_genmove_passes_over(engine):
    """White's E8-E7 are dead in Black's area and White has passed. Scored with dead stones off,
    Black wins and may pass; kgs-genmove_cleanup counts the board as it stands (White would win
    by 16.5), so it plays on instead."""
    assert run(engine, "loadsgf tests/gtp/dead_invaders.sgf").startswith("=")
    run(engine, "play w pass")
    assert run(engine, "final_score").startswith("= B+")
    cleanup = run(engine, "kgs-genmove_cleanup b")
    assert cleanup.startswith("= ") and cleanup != "= pass\n\n"
    run(engine, "undo")
    assert run(engine, "genmove b") == "= pass\n\n"


def test_captures_counts_the_stones_each_colour_took():
    engine = make_engine({"boardsize": 5, "player": "flat"})
    for move in ("play w A1", "play b A2", "play b B1",  # Black takes A1: one stone
                 "play b D5", "play b E5", "play w E4", "play w D4", "play w C5"):  # White takes D5 E5: two
        assert run(engine, move) == "=\n\n"
    assert run(engine, "captures black") == "= 1\n\n"
    assert run(engine, "captures W") == "= 2\n\n"
    assert run(engine, "undo") == "=\n\n"  # C5 taken back, and with it White's two prisoners
    assert run(engine, "captures white") == "= 0\n\n" and run(engine, "captures b") == "= 1\n\n"
    assert run(engine, "captures red") == "? syntax error\n\n"


@pytest.mark.parametrize("first, between, second, fresh", [
    ("reg_genmove b", [], "reg_genmove b", False),
    ("genmove b", [], "genmove w", False),
    ("reg_genmove b", ["komi -5.5"], "reg_genmove b", True),
    ("genmove b", ["komi -5.5"], "genmove w", True),
    ("reg_genmove b", ["kgs-rules japanese"], "reg_genmove b", True),
], ids=["same-position", "continued", "komi-same-position", "komi-continued", "rules"])
def test_the_search_tree_is_kept_between_genmoves_unless_komi_or_rules_changed(first, between, second, fresh):
    # reverse komi: were Black to pass, White could not win by passing back, so White searches
    engine = make_engine({"boardsize": 5, "rules.komi": -10.5, "time.visits": 150, "seed": 0, "player": "flat"})
    engine.searcher = MCTS(UniformEvaluator(), SearchConfig(batch_size=8, rollout_weight=1.0, node_limit=20_000, seed=0))
    assert re.fullmatch(r"= (?:[A-E][1-5]|pass)\n\n", run(engine, first))  # 150 visits: too few to resign
    for command in between:
        assert run(engine, command) == "=\n\n"
    assert re.fullmatch(r"= (?:[A-E][1-5]|pass)\n\n", run(engine, second))
    root_visits = int(engine.searcher.tree.visits[engine.searcher.root])
    if fresh:  # the root's own evaluation and the 150 simulations of this genmove, nothing older
        assert engine.last_result.visits == 150 and root_visits == 151
    else:  # the statistics of the first search are still there
        assert engine.last_result.visits > 150 and root_visits > 151
