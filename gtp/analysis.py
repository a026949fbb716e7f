"""The analysis dialects: argument grammar and info lines of ``lz-analyze`` and ``kata-analyze``
(and their genmove variants), as Leela Zero and KataGo define them and Sabaki parses them.

Every value is from the side to move's view. Each line is a full snapshot of the candidates,
``pv`` last in each block; ``ownership`` (kata, on request) comes after all blocks. Floats always
carry a decimal point, so Sabaki never mistakes a kata win rate for an integer.
"""
from __future__ import annotations

from dataclasses import dataclass

from gogame.board_nb import BLACK
from gogame.coords import PASS, to_gtp
from search.result import SearchResult

from .arguments import color_or_none

DEFAULT_INTERVAL = 1.0  # seconds, when the command gives none
MIN_INTERVAL = 0.05


@dataclass(frozen=True)
class AnalyzeRequest:
    """What an analyze command asked for: side to move, reporting interval in seconds, at least
    ``min_moves`` / at most ``max_moves`` candidates, and ownership (kata only)."""

    color: int
    interval: float = DEFAULT_INTERVAL
    min_moves: int = 0
    max_moves: int | None = None
    ownership: bool = False


def _boolean(key: str, value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise ValueError(f"{key} expects true or false")
    return value.lower() == "true"


def parse_analyze_args(args: list[str], dialect: str, to_move: int) -> AnalyzeRequest:
    """``[color] [interval] {key value}``; raises ValueError (the GTP error text) on anything
    unknown or malformed."""
    tokens = list(args)
    color = to_move
    if tokens and color_or_none(tokens[0]) is not None:
        color = color_or_none(tokens.pop(0))
    interval = DEFAULT_INTERVAL
    if tokens and tokens[0].isdigit():
        interval = int(tokens.pop(0)) / 100
    options = {"min_moves": 0, "max_moves": None, "ownership": False}
    while tokens:
        key = tokens.pop(0).lower()
        if not tokens:
            raise ValueError("cannot parse analyze tags" if dialect == "lz" else f"missing value for {key}")
        value = tokens.pop(0)
        try:
            if key == "interval":
                interval = int(value) / 100
            elif key == "minmoves":
                options["min_moves"] = int(value)
            elif key == "maxmoves" and dialect == "kata":
                options["max_moves"] = int(value)
            elif key == "ownership" and dialect == "kata":
                options["ownership"] = _boolean(key, value)
            else:
                raise ValueError
        except ValueError as error:
            message = str(error) if str(error) else None
            raise ValueError(message or ("cannot parse analyze tags" if dialect == "lz" else f"unknown or bad key {key}")) from None
    return AnalyzeRequest(color, max(MIN_INTERVAL, interval), **options)


def format_info_line(result: SearchResult, request: AnalyzeRequest, dialect: str, size: int) -> str:
    """One snapshot line: ``info move .. visits .. winrate .. prior .. lcb .. order .. pv ..``
    per candidate with visits (best first), then ``ownership`` when asked (kata)."""
    moves = [m for m in result.moves if m.visits > 0 and m.move != PASS] or result.moves[:1]
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
        else:
            score = ""
            if stats.score_lead is not None:  # a score head: KataGo's fields, the lead for the side to move
                stdev = result.score_stdev if result.score_stdev is not None else 0.0
                score = f"scoreMean {stats.score_lead:.6f} scoreStdev {stdev:.6f} scoreLead {stats.score_lead:.6f} "
            blocks.append(f"info move {move} visits {stats.visits} edgeVisits {stats.visits} "
                          f"winrate {stats.winrate:.6f} {score}prior {stats.prior:.6f} lcb {stats.lcb:.6f} "
                          f"order {order} pv {pv}")
    line = " ".join(blocks)
    if dialect == "kata" and request.ownership and result.ownership is not None:
        sign = 1.0 if result.to_move == BLACK else -1.0
        values = " ".join(f"{sign * v:.6f}" for v in result.ownership.ravel())
        line = f"{line} ownership {values}"
    return line
