"""Reading and writing games as SGF (FF[4]), through sgfmill.

``read_sgf`` parses a record into a :class:`GameRecord` (main line only); ``record_to_game``
replays it under the rules, so an illegal move in the file is caught; ``write_sgf`` goes the other
way. Every failure raises :class:`SGFError` naming the file and the reason. ``load_collection``
reads many files, skipping and counting the bad ones instead of stopping.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from sgfmill import sgf

from .board_nb import BLACK, WHITE
from .coords import MAX_SIZE, MIN_SIZE, PASS, point, row_col
from .game import GameState
from .rules import IllegalMove, Rules, check_komi

_COLOR_LETTER = {BLACK: "b", WHITE: "w"}
_LETTER_COLOR = {"b": BLACK, "w": WHITE}


class SGFError(ValueError):
    """A malformed or illegal SGF record; the message names the file and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


@dataclass
class GameRecord:
    """One game as SGF holds it. Points are padded points of ``size`` (PASS = pass)."""

    size: int = 19
    komi: float = 7.5
    handicap: int = 0
    setup_black: list[int] = field(default_factory=list)
    setup_white: list[int] = field(default_factory=list)
    moves: list[tuple[int, int]] = field(default_factory=list)  # (colour, point)
    result: str = ""
    rules: str = ""
    black_name: str = ""
    white_name: str = ""
    black_rank: str = ""
    white_rank: str = ""
    comments: dict[int, str] = field(default_factory=dict)  # move index -> comment on that move's node


def _to_point(move: tuple[int, int], size: int) -> int:
    row_from_bottom, col = move
    return point(size - 1 - row_from_bottom, col, size)


def _from_point(pt: int, size: int) -> tuple[int, int]:
    row, col = row_col(pt, size)
    return size - 1 - row, col


def read_sgf(data: bytes | str | os.PathLike, source: str | None = None) -> GameRecord:
    """Parse SGF bytes, or the file at a path, into a GameRecord; raises SGFError."""
    if isinstance(data, (str, os.PathLike)) and not (isinstance(data, str) and data.lstrip().startswith("(")):
        source = source or str(data)
        try:
            data = Path(data).read_bytes()
        except OSError as error:
            raise SGFError(source, f"cannot read file: {error.strerror or error}") from None
    elif isinstance(data, str):
        data = data.encode("utf-8")
    source = source or "<sgf>"
    try:
        game = sgf.Sgf_game.from_bytes(data)
    except ValueError as error:
        raise SGFError(source, f"malformed SGF: {error}") from None
    try:
        return _record_from_sgfmill(game)
    except (ValueError, KeyError, IndexError) as error:
        raise SGFError(source, str(error)) from None


def _record_from_sgfmill(game: "sgf.Sgf_game") -> GameRecord:
    size = game.get_size()
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"board size {size} is out of range: sizes {MIN_SIZE}..{MAX_SIZE} are supported")
    root = game.get_root()
    komi = 0.0
    if root.has_property("KM"):
        try:
            komi = check_komi(game.get_komi())
        except ValueError as error:
            raise ValueError(f"bad komi KM[{root.get_raw('KM').decode(errors='replace')}]: {error}") from None
    record = GameRecord(size=size, komi=komi)
    handicap = game.get_handicap()
    record.handicap = int(handicap) if handicap else 0
    for prop, attr in (("RE", "result"), ("RU", "rules"), ("PB", "black_name"), ("PW", "white_name"),
                       ("BR", "black_rank"), ("WR", "white_rank")):
        if root.has_property(prop):
            setattr(record, attr, str(root.get(prop)))
    for number, node in enumerate(game.get_main_sequence()):
        black, white, _empty = node.get_setup_stones()
        if black or white:
            if number > 0 and record.moves:
                raise ValueError(f"setup stones after move {len(record.moves)} are not supported")
            record.setup_black += [_to_point(m, size) for m in sorted(black)]
            record.setup_white += [_to_point(m, size) for m in sorted(white)]
        try:
            color, move = node.get_move()
        except ValueError as error:
            raise ValueError(f"bad move in node {number}: {error or 'not a point of this board'}") from None
        if color is None:
            continue
        record.moves.append((_LETTER_COLOR[color], PASS if move is None else _to_point(move, size)))
    return record


def start_position(record: GameRecord, rules: Rules | None = None, source: str = "<sgf>") -> GameState:
    """The position before the record's first move: handicap or setup stones placed, the first
    mover to move. Bad setup stones raise SGFError."""
    game = GameState(record.size, (rules or Rules()).with_changes(komi=record.komi))
    try:
        if record.handicap >= 2 and record.setup_black and not record.setup_white:
            game.place_handicap(record.setup_black)
        elif record.setup_black or record.setup_white:
            game.setup_stones(record.setup_black, record.setup_white)
            if record.moves:
                game.to_move = record.moves[0][0]
                game._reset_positions()
    except ValueError as error:
        raise SGFError(source, f"bad setup stones: {error}") from None
    return game


def record_to_game(record: GameRecord, rules: Rules | None = None, source: str = "<sgf>",
                   moves: int | None = None) -> GameState:
    """Replay ``record`` (its first ``moves`` moves when given) into a GameState; an illegal
    move or setup raises SGFError with the move number and the reason."""
    game = start_position(record, rules, source)
    for number, (color, pt) in enumerate(record.moves[:moves], start=1):
        try:
            game.play(pt, color)
        except IllegalMove as error:
            raise SGFError(source, f"move {number} ({'B' if color == BLACK else 'W'}) is illegal: {error}") from None
    return game


def load_game(path: str | os.PathLike, rules: Rules | None = None) -> GameState:
    """Read and replay an SGF file; raises SGFError."""
    return record_to_game(read_sgf(path), rules, source=str(path))


def game_to_record(game: GameState, black_name: str = "", white_name: str = "", result: str | None = None) -> GameRecord:
    """The record of a GameState (result: given, or the game's own when it is over)."""
    if result is None:
        result = game.result() if game.is_over else ""
    rules_name = "Chinese" if game.rules.scoring == "area" else "Japanese"
    return GameRecord(
        size=game.size, komi=game.komi, handicap=game.handicap,
        setup_black=list(game.setup_black), setup_white=list(game.setup_white),
        moves=[(m.color, m.point) for m in game.moves], result=result, rules=rules_name,
        black_name=black_name, white_name=white_name,
    )


def write_sgf(record: GameRecord | GameState) -> bytes:
    """Serialise a GameRecord (or a GameState) as SGF bytes."""
    if isinstance(record, GameState):
        record = game_to_record(record)
    game = sgf.Sgf_game(record.size)
    root = game.get_root()
    root.set("KM", record.komi)
    if record.handicap:
        root.set("HA", record.handicap)
    for prop, value in (("RE", record.result), ("RU", record.rules), ("PB", record.black_name),
                        ("PW", record.white_name), ("BR", record.black_rank), ("WR", record.white_rank)):
        if value:
            root.set(prop, value)
    if record.setup_black or record.setup_white:
        root.set_setup_stones([_from_point(p, record.size) for p in record.setup_black],
                              [_from_point(p, record.size) for p in record.setup_white])
    for index, (color, pt) in enumerate(record.moves):
        node = game.extend_main_sequence()
        node.set_move(_COLOR_LETTER[color], None if pt == PASS else _from_point(pt, record.size))
        if index in record.comments:
            node.set("C", record.comments[index])
    return game.serialise()


@dataclass
class LoadReport:
    """What a bulk load did: files read, and (file, reason) for each one skipped."""

    loaded: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def load_collection(paths: Iterable[str | os.PathLike], report: LoadReport, replay: bool = True) -> Iterator[GameRecord]:
    """Yield the record of every readable (and, with ``replay``, legal) file; bad files are
    counted in ``report.skipped`` with their reason instead of raising."""
    for path in paths:
        try:
            record = read_sgf(path)
            if replay:
                record_to_game(record, source=str(path))
        except SGFError as error:
            report.skipped.append((str(path), error.reason))
            continue
        report.loaded += 1
        yield record


__all__ = ["GameRecord", "SGFError", "LoadReport", "read_sgf", "start_position", "record_to_game", "load_game",
           "game_to_record", "write_sgf", "load_collection"]
