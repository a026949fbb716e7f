"""The analysis arguments GUIs send (issue 14): ``minmoves``, ``maxmoves``, ``avoid``/``allow``
(Lizzie's region of interest and avoid features), ``pvVisits``, ``ownershipStdev``,
``rootInfo``; the shared cases ``analyze-minmoves.gtp`` and ``analyze-avoid.gtp`` and variants."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.gtp.engines import engine as make_engine
from tests.gtp.test_engine import run, streamed

CASES = Path(__file__).resolve().parents[1] / "cases"  # a copy of ../shared/cases: inputs from real use


@pytest.fixture(scope="module")
def engine():
    engine = make_engine({"boardsize": 9, "time.visits": 200, "seed": 1, "ownership_playouts": 50})
    engine.searcher.warm_up()
    return engine


@pytest.fixture(autouse=True)
def fresh_board(engine):
    assert run(engine, "boardsize 9") == "=\n\n"


def blocks(line: str) -> list[dict]:
    """The info blocks of a line: move, visits, prior (as sent), the pv and what follows it."""
    found = []
    for block in line.split("info ")[1:]:
        head, _, tail = block.strip().partition(" pv ")
        fields = head.split()
        values = dict(zip(fields[::2], fields[1::2]))
        values["tail"] = tail.split()
        found.append(values)
    return found


def info_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("info ")]


def case_commands(name: str) -> list[str]:
    return [line.strip() for line in (CASES / name).read_text().splitlines() if line.strip()]


def test_the_shared_minmoves_case_lists_at_least_that_many_moves(engine):
    *setup, analyze = case_commands("analyze-minmoves.gtp")
    for line in setup:
        assert run(engine, line).startswith("=")
    lines = info_lines(streamed(engine, analyze))
    assert lines
    for line in lines:
        found = blocks(line)
        assert len(found) >= 40
        visits = [int(b["visits"]) for b in found]
        assert visits == sorted(visits, reverse=True) and 0 in visits
        unvisited_priors = [int(b["prior"]) for b in found if b["visits"] == "0"]
        assert unvisited_priors == sorted(unvisited_priors, reverse=True)  # filled in by prior
        assert all(b["winrate"] == "0" for b in found if b["visits"] == "0")  # never above the real ones


@pytest.mark.parametrize("minmoves, maxmoves, expected", [(100, None, 79), (50, 10, 10), (0, 3, 3)])
def test_minmoves_and_maxmoves_together(engine, minmoves, maxmoves, expected):
    assert run(engine, "play b E5").startswith("=") and run(engine, "play w C3").startswith("=")
    extra = f" maxmoves {maxmoves}" if maxmoves is not None else ""
    lines = info_lines(streamed(engine, f"kata-analyze b 10 minmoves {minmoves}{extra}"))
    counts = {len(blocks(line)) for line in lines}
    # 79 empty points, every legal move: minmoves beyond them lists all there are
    assert counts == {expected} if maxmoves is not None or minmoves else max(counts) <= 3


def test_the_shared_avoid_case(engine):
    setup, *streams = [line for line in case_commands("analyze-avoid.gtp")]
    assert run(engine, setup).startswith("=")
    clear, lz, kata, genmove = streams
    assert run(engine, clear) == "=\n\n"
    for command, avoided in ((lz, {"E5", "D4", "F6", "C3"}), (kata, {"E5"})):
        lines = info_lines(streamed(engine, command, snapshots=2))
        assert lines
        for line in lines:
            assert not {b["move"] for b in blocks(line)} & avoided, (command, line[:200])
        if "ownership true" in command:
            assert len(lines[-1].split(" ownership ")[1].split()) == 81
    text = streamed(engine, genmove, snapshots=2)
    played = re.search(r"^play (\S+)$", text, re.M).group(1)
    assert played != "E5" and text.endswith("\n\n")
    assert run(engine, "list_stones black") == f"= {played}\n\n"


@pytest.mark.parametrize("command, permitted", [
    ("lz-analyze b 10 allow b c3,d4,e5 1", {"C3", "D4", "E5"}),
    ("kata-analyze b 10 allow b c3,c4,c5,c6 1 allow w g7 2", {"C3", "C4", "C5", "C6"}),  # one for each colour
    ("kata-analyze b 10 allow b c3,c4,g7 1 allow b g7,c4 1", {"G7", "C4"}),  # the same colour: both must permit
    ("kata-analyze w 10 allow w a1,j9 2 avoid w a1 1", {"J9"}),
    ("lz-analyze b 10 avoid w e5 1", None),  # White's avoid: Black's candidates untouched
])
def test_allow_keeps_the_candidates_inside_the_region(engine, command, permitted):
    # minmoves lists the root's unvisited moves too: every move the search may consider
    lines = info_lines(streamed(engine, f"{command} minmoves 90", snapshots=2))
    moves = set().union(*({b["move"] for b in blocks(line)} for line in lines))
    if permitted is None:
        assert "E5" in moves and len(moves) == 81
    else:
        assert moves - {"pass"} == permitted


def test_kata_genmove_analyze_with_allow_plays_inside(engine):
    text = streamed(engine, "kata-genmove_analyze b 10 allow b a1,b2,j9 1", snapshots=1)
    assert re.search(r"^play (A1|B2|J9)$", text, re.M), text[-300:]


def test_pv_visits_follow_each_pv(engine):
    assert run(engine, "play b E5").startswith("=")
    lines = info_lines(streamed(engine, "kata-analyze w 10 pvVisits true", snapshots=3))
    for block in blocks(lines[-1]):
        tail = block["tail"]
        pv = tail[: tail.index("pvVisits")]
        counts = [int(n) for n in tail[tail.index("pvVisits") + 1:]]
        assert len(counts) == len(pv) and counts[0] == int(block["visits"])
        assert counts == sorted(counts, reverse=True)  # each node of the pv is visited through its parent


def test_root_info_and_ownership_stdev(engine):
    line = info_lines(streamed(engine, "kata-analyze b 10 rootInfo true ownership true ownershipStdev true"))[-1]
    root = re.search(r" rootInfo visits (\d+) winrate ([01]\.\d{6}) currentPlayer B ownership ", line)
    assert root and int(root.group(1)) > 0
    ownership = [float(v) for v in line.split(" ownership ")[1].split(" ownershipStdev ")[0].split()]
    stdev = [float(v) for v in line.split(" ownershipStdev ")[1].split()]
    assert len(ownership) == len(stdev) == 81
    assert all(abs(s - (1 - o * o) ** 0.5) < 2e-6 for o, s in zip(ownership, stdev))


def test_extras_are_sent_only_when_asked(engine):
    line = info_lines(streamed(engine, "kata-analyze b 10 pvVisits false ownership false movesOwnership true"))[-1]
    for key in ("pvVisits", "ownership", "rootInfo", "ownershipStdev"):
        assert f" {key} " not in line
    # movesOwnership needs a network with an ownership head: the bundled networks have none
    assert "movesOwnership" not in line


def test_maxmoves_zero_streams_no_empty_line_and_a_huge_depth_is_fine(engine):
    text = streamed(engine, "7 kata-analyze b 10 maxmoves 0", snapshots=0)
    assert text.startswith("=7\n") and text.endswith("\n\n") and "\n\n" not in text[:-2]
    text = streamed(engine, "8 lz-analyze b 10 avoid b e5 100000000000000000000000", snapshots=2)
    assert text.startswith("=8\n") and "?" not in text and text.endswith("\n\n")
    assert all(" move E5 " not in line for line in info_lines(text))


def test_an_error_inside_the_stream_ends_it_with_one_blank_line(engine, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the network fell over")

    monkeypatch.setattr(engine.searcher, "search", broken)
    logged: list[str] = []
    monkeypatch.setattr(engine, "log", logged.append)
    assert run(engine, "9 kata-analyze b 10") == "=9\n\n"  # the header, then the empty line: one framed response
    assert "the network fell over" in logged[-1]
