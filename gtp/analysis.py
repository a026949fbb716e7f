"""The analysis dialects: argument grammar and info lines of ``lz-analyze`` and ``kata-analyze``
(and their genmove variants), as Leela Zero and KataGo define them and Sabaki parses them.

Every value is from the side to move's view. Each line is a full snapshot of the candidates,
``pv`` last in each block; ``ownership`` (kata, on request) comes after all blocks. Floats always
carry a decimal point, so Sabaki never mistakes a kata win rate for an integer.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gogame.board_nb import BLACK
from gogame.coords import PASS, CoordinateError, from_gtp, to_gtp
from search.result import NO_FILTER, MoveFilter, SearchResult

from .arguments import color_or_none

DEFAULT_INTERVAL = 1.0  # seconds, when the command gives none
MIN_INTERVAL = 0.05


@dataclass(frozen=True)
class AnalyzeRequest:
    """What an analyze command asked for: side to move, reporting interval in seconds, at least
    ``min_moves`` (unvisited ones filled in by prior) / at most ``max_moves`` candidates, moves
    left out (``avoid``/``allow``), and the kata extras: ``ownership``, ``ownership_stdev``,
    ``moves_ownership``, ``pv_visits``, ``root_info``."""

    color: int
    interval: float = DEFAULT_INTERVAL
    min_moves: int = 0
    max_moves: int | None = None
    ownership: bool = False
    ownership_stdev: bool = False
    moves_ownership: bool = False
    pv_visits: bool = False
    root_info: bool = False
    move_filter: MoveFilter = NO_FILTER


_KATA_FLAGS = {"ownership": "ownership", "ownershipstdev": "ownership_stdev", "movesownership": "moves_ownership",
               "pvvisits": "pv_visits", "rootinfo": "root_info",
               # accepted for KataGo's clients, with nothing of ours behind them: always false here
               "movesownershipstdev": None, "pvedgevisits": None, "noresultvalue": None}


def _boolean(key: str, value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise ValueError(f"{key} expects true or false, not {value!r}")
    return value.lower() == "true"


def _count(key: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{key} expects a whole number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{key} must be at least 0, not {number}")
    return number


def _filter_entry(tokens: list[str], key: str, size: int) -> tuple[int, frozenset[int], int]:
    """``COLOR VERTEX,VERTEX,... UNTIL_DEPTH`` (KataGo's avoid/allow), taken from ``tokens``."""
    if len(tokens) < 3:
        raise ValueError(f"{key} expects a colour, vertices and a depth")
    color_text, vertices_text, depth_text = tokens.pop(0), tokens.pop(0), tokens.pop(0)
    color = color_or_none(color_text)
    if color is None:
        raise ValueError(f"{key}: {color_text!r} is not a colour")
    points = set()
    for vertex in filter(None, vertices_text.split(",")):
        try:
            points.add(from_gtp(vertex, size))
        except CoordinateError as error:
            raise ValueError(f"{key}: {error}") from None
    try:
        depth = int(depth_text)
    except ValueError:
        raise ValueError(f"{key}: depth {depth_text!r} is not a whole number") from None
    if depth < 1:
        raise ValueError(f"{key}: depth must be at least 1, not {depth}")
    return color, frozenset(points), depth


def parse_analyze_args(args: list[str], dialect: str, to_move: int, size: int = 19) -> AnalyzeRequest:
    """``[color] [interval] {key value}`` as KataGo's GTP extensions define it: keys
    ``interval``, ``minmoves``, ``maxmoves``, ``avoid COLOR VERTICES DEPTH``, ``allow COLOR
    VERTICES DEPTH`` (several of each) for both dialects, and ``ownership``, ``ownershipStdev``,
    ``movesOwnership``, ``pvVisits``, ``rootInfo`` (true/false) for kata. Raises ValueError with
    the GTP error text on anything unknown or malformed (lz: Leela Zero's ``cannot parse analyze
    tags``, with the reason after it)."""
    tokens = list(args)
    color = to_move
    if tokens and color_or_none(tokens[0]) is not None:
        color = color_or_none(tokens.pop(0))
    interval = DEFAULT_INTERVAL
    if tokens and tokens[0].isdigit():
        interval = int(tokens.pop(0)) / 100
    options: dict = {}
    avoid: list = []
    allow: list = []
    try:
        while tokens:
            key = tokens.pop(0)
            lower = key.lower()
            if lower in ("avoid", "allow"):
                (avoid if lower == "avoid" else allow).append(_filter_entry(tokens, lower, size))
                continue
            if not tokens:
                raise ValueError(f"missing value for {key}")
            value = tokens.pop(0)
            if lower == "interval":
                interval = _count(key, value) / 100
            elif lower == "minmoves":
                options["min_moves"] = _count(key, value)
            elif lower == "maxmoves":
                options["max_moves"] = _count(key, value)
            elif lower in _KATA_FLAGS and dialect == "kata":
                flag = _boolean(key, value)
                if _KATA_FLAGS[lower] is not None:
                    options[_KATA_FLAGS[lower]] = flag
            else:
                raise ValueError(f"unknown key {key}")
    except ValueError as error:
        raise ValueError(f"cannot parse analyze tags: {error}" if dialect == "lz" else str(error)) from None
    return AnalyzeRequest(color, max(MIN_INTERVAL, interval), move_filter=MoveFilter(tuple(avoid), tuple(allow)),
                          **options)


def ownership_values(ownership: np.ndarray, to_move: int, black_view: bool = False) -> np.ndarray:
    """Black's view (size, size) turned to the side to move's (unless ``black_view``), row-major
    from the top-left: what both analysis protocols print."""
    return (ownership if black_view or to_move == BLACK else -ownership).ravel()


def ownership_stdev(ownership: np.ndarray) -> np.ndarray:
    """The standard deviation of each point's final owner (+1 or -1) whose mean is m: sqrt(1 - m^2)."""
    return np.sqrt(np.clip(1.0 - ownership ** 2, 0.0, 1.0)).ravel()


def format_info_line(result: SearchResult, request: AnalyzeRequest, dialect: str, size: int) -> str:
    """One snapshot line: ``info move .. visits .. winrate .. prior .. lcb .. order .. pv ..``
    per candidate with visits (best first; then unvisited ones by prior up to ``min_moves``),
    ``pvVisits`` and ``movesOwnership`` after the pv when asked (kata), then ``rootInfo``,
    ``ownership`` and ``ownershipStdev`` when asked (kata). The stdev of a point's final owner
    (+1 or -1) whose mean is m is sqrt(1 - m^2)."""
    moves = [m for m in result.moves if m.visits > 0 and m.move != PASS] or result.moves[:1]
    if len(moves) < request.min_moves:
        moves = moves + [m for m in result.unvisited if m.move != PASS][: request.min_moves - len(moves)]
    if request.max_moves is not None:
        moves = moves[: request.max_moves]
    blocks = []
    for order, stats in enumerate(moves):
        pv = " ".join(to_gtp(p, size) for p in stats.pv) or to_gtp(stats.move, size)
        move = to_gtp(stats.move, size)
        if dialect == "lz":
            winrate = round(min(max(stats.winrate, 0.0), 1.0) * 10000)
            prior = round(stats.prior * 10000)
            lcb = round(min(max(stats.lcb, 0.0), 1.0) * 10000)
            blocks.append(f"info move {move} visits {stats.visits} winrate {winrate} prior {prior} "
                          f"lcb {lcb} order {order} pv {pv}")
            continue
        score = ""
        if stats.score_lead is not None:  # a score head: KataGo's fields, the lead for the side to move
            stdev = result.score_stdev if result.score_stdev is not None else 0.0
            score = f"scoreMean {stats.score_lead:.6f} scoreStdev {stdev:.6f} scoreLead {stats.score_lead:.6f} "
        block = (f"info move {move} visits {stats.visits} edgeVisits {stats.visits} "
                 f"winrate {stats.winrate:.6f} {score}prior {stats.prior:.6f} lcb {stats.lcb:.6f} "
                 f"order {order} pv {pv}")
        if request.pv_visits:
            counts = stats.pv_visits or [stats.visits]
            block += " pvVisits " + " ".join(str(n) for n in counts[: len(stats.pv) or 1])
        if request.moves_ownership and stats.ownership is not None:
            block += " movesOwnership " + " ".join(f"{v:.6f}" for v in ownership_values(stats.ownership, result.to_move))
        blocks.append(block)
    line = " ".join(blocks)
    if dialect != "kata":
        return line
    if request.root_info:
        score = f" scoreLead {result.score_lead:.6f}" if result.score_lead is not None else ""
        line += f" rootInfo visits {result.visits} winrate {result.winrate:.6f}{score} currentPlayer " \
                f"{'B' if result.to_move == BLACK else 'W'}"
    if request.ownership and result.ownership is not None:
        line += " ownership " + " ".join(f"{v:.6f}" for v in ownership_values(result.ownership, result.to_move))
    if request.ownership_stdev and result.ownership is not None:
        line += " ownershipStdev " + " ".join(f"{v:.6f}" for v in ownership_stdev(result.ownership))
    return line
