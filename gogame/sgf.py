"""Reading and writing games as SGF (FF[4]), through sgfmill.

``read_sgf`` parses a record into a :class:`GameRecord` (main line only); ``record_to_game``
replays it under the rules, so an illegal move in the file is caught; ``write_sgf`` goes the other
way. Every failure raises :class:`SGFError` naming the file and the reason. ``load_collection``
reads many files, skipping and counting the bad ones instead of stopping.

What real files hold is read as GUIs read it (the SGF FF[4] specification, red-bean.com/sgf):
setup (``AB``/``AW``/``AE``) in any node of the main line, before or after moves, and ``PL`` for
the side to move; text in the declared charset (``CA``), else UTF-8, else a decoding that cannot
fail (byte-order marks first), so that undecodable names or comments are replaced, never a reason
to refuse the moves; ``KM[]`` as komi 0, a comma decimal komi, ``SZ[19:19]`` as 19.
"""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from sgfmill import sgf, sgf_grammar

from .board_nb import BLACK, EMPTY, WHITE
from .coords import MAX_SIZE, MIN_SIZE, PASS, point, row_col
from .game import GameState, SetupChange
from .rules import NAMED_RULES, IllegalMove, Rules, check_komi

_COLOR_LETTER = {BLACK: "b", WHITE: "w"}
_LETTER_COLOR = {"b": BLACK, "w": WHITE}
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be"))


class SGFError(ValueError):
    """A malformed or illegal SGF record; the message names the file and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


@dataclass
class GameRecord:
    """One game as SGF holds it. Points are padded points of ``size`` (PASS = pass).

    ``setup_black``/``setup_white`` are the stones of the start position (root setup, and setup
    nodes before the first move); ``to_move`` is its side to move when ``PL`` says so;
    ``setup_changes[n]`` is a setup node after ``n`` moves (n >= 1). ``comments[i]`` is the
    comment on move ``i``'s node, ``comments[-1]`` the root's. ``warnings`` says what was read
    leniently (replaced text, an empty komi); it is not part of the game."""

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
    comments: dict[int, str] = field(default_factory=dict)
    to_move: int | None = None
    setup_changes: dict[int, SetupChange] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list, compare=False)


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
    warnings: list[str] = []
    try:
        tree = sgf_grammar.parse_sgf_game(_without_byte_order_mark(bytes(data), warnings))
    except ValueError as error:
        raise SGFError(source, f"malformed SGF: {error}") from None
    try:
        _transcode_to_utf8(tree, warnings)
        _normalise_root(tree.sequence[0], warnings)
        game = sgf.Sgf_game.from_coarse_game_tree(tree, override_encoding="UTF-8")
        record = _record_from_sgfmill(game)
    except (ValueError, KeyError, IndexError) as error:
        raise SGFError(source, str(error)) from None
    record.warnings = warnings
    return record


# --- text: byte-order marks, charsets, lenient root values --------------------------------------

def _without_byte_order_mark(data: bytes, warnings: list[str]) -> bytes:
    """The data without a byte-order mark, UTF-16 re-encoded as UTF-8 (which the parser reads)."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            body = data[len(mark):]
            if encoding == "utf-8":
                return body
            text = body.decode(encoding, errors="replace")
            if "\ufffd" in text:
                warnings.append(f"text not valid {encoding.upper()}: undecodable bytes replaced")
            return text.replace("\ufeff", "").encode("utf-8")
    return data


# charsets that files declare while writing their superset, read as the superset (as the WHATWG
# encoding standard, and so browsers and Sabaki's decoder, do)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949"}


def _codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(name.strip()).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def _tree_values(tree: "sgf_grammar.Coarse_game_tree") -> Iterator[tuple[dict, str, int]]:
    """(property map, identifier, index) of every value in the tree."""
    stack = [tree]
    while stack:
        node_tree = stack.pop()
        stack.extend(node_tree.children)
        for properties in node_tree.sequence:
            for identifier, values in properties.items():
                for index in range(len(values)):
                    yield properties, identifier, index


def _transcode_to_utf8(tree: "sgf_grammar.Coarse_game_tree", warnings: list[str]) -> None:
    """Re-encode every value as UTF-8: decoded with the declared charset if all of the file's
    values decode with it, else UTF-8 if they all do, else with the declared charset (the SGF
    default ISO-8859-1 when none is declared, UTF-8 when the declared one is unknown) replacing
    what does not decode."""
    root = tree.sequence[0]
    declared_text = root["CA"][0].decode("ascii", errors="replace") if "CA" in root else None
    declared = _codec(declared_text) if declared_text is not None else None
    if declared_text is not None and declared is None:
        warnings.append(f"unknown charset CA[{declared_text}]: read as UTF-8")
    values = [properties[identifier][index] for properties, identifier, index in _tree_values(tree)]
    candidates = [c for c in dict.fromkeys([declared, "utf-8"]) if c]
    if declared and declared.startswith(("iso8859", "cp125", "latin", "ascii")):
        # a single-byte charset decodes anything, so that UTF-8 under a default CA[ISO-8859-1]
        # would come out garbled; text that is valid UTF-8 and not ASCII is almost never meant so
        candidates.reverse()
    for encoding in candidates:
        try:
            for value in values:
                value.decode(encoding)
        except UnicodeDecodeError:
            continue
        errors = "strict"
        break
    else:
        encoding = declared or ("iso8859-1" if declared_text is None else "utf-8")
        errors = "replace"
        warnings.append(f"text not valid in {declared_text and f'CA[{declared_text}]' or 'ISO-8859-1'} "
                        f"nor UTF-8: read as {encoding}, undecodable bytes replaced")
    if encoding == "utf-8" and errors == "strict":
        return
    for properties, identifier, index in _tree_values(tree):
        properties[identifier][index] = properties[identifier][index].decode(encoding, errors).encode("utf-8")


def _normalise_root(root: dict, warnings: list[str]) -> None:
    """Lenient SZ, KM and HA where their meaning is clear; a ValueError naming the property where not."""
    if "SZ" in root:
        raw = root["SZ"][0].decode("utf-8", errors="replace").strip()
        width, _, height = raw.partition(":")
        if not raw:
            del root["SZ"]
            warnings.append("empty SZ[]: read as 19")
        else:
            try:
                size = int(width)
                if height and int(height) != size:
                    raise ValueError(f"SZ[{raw}]: rectangular boards are not supported")
            except ValueError as error:
                raise ValueError(str(error) if "rectangular" in str(error) else f"bad board size SZ[{raw}]") from None
            if not MIN_SIZE <= size <= MAX_SIZE:
                raise ValueError(f"SZ[{raw}]: board size {size} is out of range: sizes {MIN_SIZE}..{MAX_SIZE} are supported")
            root["SZ"] = [str(size).encode()]
    if "KM" in root:
        raw = root["KM"][0].decode("utf-8", errors="replace").strip()
        if not raw:
            del root["KM"]
            warnings.append("empty KM[]: komi 0")
        else:
            try:
                komi = check_komi(raw.replace(",", "."))
            except ValueError as error:
                raise ValueError(f"bad komi KM[{raw}]: {error}") from None
            root["KM"] = [repr(komi).encode()]
    if "GM" in root:
        game = root["GM"][0].decode("utf-8", errors="replace").strip()
        if game not in ("", "1"):
            raise ValueError(f"GM[{game}]: not a game of Go (GM[1])")
    if "HA" in root:
        raw = root["HA"][0].decode("utf-8", errors="replace").strip()
        if not raw:
            del root["HA"]
        elif not raw.isdigit():
            raise ValueError(f"bad handicap HA[{raw}]")


# --- the main line ------------------------------------------------------------------------------

def _points(node: "sgf.Tree_node", identifier: str, size: int) -> list[int]:
    try:
        values = node.get(identifier)
    except KeyError:
        return []
    except ValueError as error:
        raise ValueError(f"bad {identifier} setup points: {error}") from None
    return [_to_point(m, size) for m in sorted(values)]


def _player(node: "sgf.Tree_node") -> int | None:
    if not node.has_property("PL"):
        return None
    raw = node.get_raw("PL").decode("utf-8", errors="replace").strip().lower()
    if not raw:
        return None  # PL[]: no side given, as when absent
    color = {"b": BLACK, "w": WHITE, "1": BLACK, "2": WHITE}.get(raw)
    if color is None:
        raise ValueError(f"bad side to move PL[{raw}]")
    return color


def _record_from_sgfmill(game: "sgf.Sgf_game") -> GameRecord:
    size = game.get_size()
    root = game.get_root()
    record = GameRecord(size=size, komi=float(root.get("KM")) if root.has_property("KM") else 0.0)
    record.handicap = int(root.get_raw("HA")) if root.has_property("HA") else 0
    for prop, attr in (("RE", "result"), ("RU", "rules"), ("PB", "black_name"), ("PW", "white_name"),
                       ("BR", "black_rank"), ("WR", "white_rank")):
        if root.has_property(prop):
            setattr(record, attr, str(root.get(prop)))
    start: dict[int, int] = {}  # the start position, point -> colour, as setup nodes before any move build it
    pending: dict[int, int] = {}  # a setup change after moves, not yet followed by a move
    pending_player: int | None = None
    for number, node in enumerate(game.get_main_sequence()):
        changes = {pt: EMPTY for pt in _points(node, "AE", size)}
        changes.update({pt: BLACK for pt in _points(node, "AB", size)})
        changes.update({pt: WHITE for pt in _points(node, "AW", size)})
        player = _player(node)
        if record.moves:
            pending.update(changes)
            if player is not None:
                pending_player = player
        else:
            start.update(changes)
            if player is not None:
                record.to_move = player
        try:
            color, move = node.get_move()
        except ValueError as error:
            raise ValueError(f"bad move in node {number}: {error or 'not a point of this board'}") from None
        if node.has_property("C") and (number == 0 or color is not None):  # the root's, or a move's
            record.comments[len(record.moves) if color is not None else -1] = str(node.get("C"))
        if color is None:
            continue
        if pending or pending_player is not None:
            record.setup_changes[len(record.moves)] = _setup_change(pending, pending_player)
            pending, pending_player = {}, None
        record.moves.append((_LETTER_COLOR[color], PASS if move is None else _to_point(move, size)))
    if pending or pending_player is not None:
        record.setup_changes[len(record.moves)] = _setup_change(pending, pending_player)
    record.setup_black = sorted(pt for pt, color in start.items() if color == BLACK)
    record.setup_white = sorted(pt for pt, color in start.items() if color == WHITE)
    return record


def _setup_change(changes: dict[int, int], player: int | None) -> SetupChange:
    return SetupChange(black=tuple(sorted(pt for pt, c in changes.items() if c == BLACK)),
                       white=tuple(sorted(pt for pt, c in changes.items() if c == WHITE)),
                       empty=tuple(sorted(pt for pt, c in changes.items() if c == EMPTY)),
                       to_move=player)


def start_position(record: GameRecord, rules: Rules | None = None, source: str = "<sgf>") -> GameState:
    """The position before the record's first move: handicap or setup stones placed; to move:
    ``PL`` when given, else the first mover (White after handicap stones). Bad setup stones
    raise SGFError."""
    game = GameState(record.size, (rules or Rules()).with_changes(komi=record.komi))
    try:
        if record.handicap >= 2 and record.setup_black and not record.setup_white:
            game.place_handicap(record.setup_black)
        elif record.setup_black or record.setup_white:
            game.setup_stones(record.setup_black, record.setup_white)
    except ValueError as error:
        raise SGFError(source, f"bad setup stones: {error}") from None
    to_move = record.to_move if record.to_move is not None else (record.moves[0][0] if record.moves else None)
    if to_move is not None and to_move != game.to_move:
        game.to_move = to_move
        game._reset_positions()  # the side to move is part of a situational-superko position
    return game


def _apply_setup_change(game: GameState, record: GameRecord, moves_played: int, source: str) -> None:
    change = record.setup_changes.get(moves_played)
    if change is None:
        return
    if change.to_move is None and moves_played < len(record.moves):  # the next mover, as before the first move
        change = SetupChange(change.black, change.white, change.empty, record.moves[moves_played][0])
    try:
        game.change_setup(change)
    except ValueError as error:
        raise SGFError(source, f"bad setup stones after move {moves_played}: {error}") from None


def replay(record: GameRecord, rules: Rules | None = None, source: str = "<sgf>",
           moves: int | None = None) -> Iterator[tuple[GameState, int, int]]:
    """Walk the record's main line: yields (game, colour, point) before each of its first
    ``moves`` moves (all when None), the game holding the position the move is played in, setup
    changes applied; the move is played when the caller asks for the next one. An illegal move
    or setup raises SGFError with the move number and the reason."""
    yield from _walk(start_position(record, rules, source), record, source, moves)


def _walk(game: GameState, record: GameRecord, source: str, moves: int | None) -> Iterator[tuple[GameState, int, int]]:
    limit = len(record.moves) if moves is None else max(0, min(moves, len(record.moves)))
    for number in range(limit):
        color, pt = record.moves[number]
        _apply_setup_change(game, record, number, source)
        yield game, color, pt
        try:
            game.play(pt, color)
        except IllegalMove as error:
            raise SGFError(source, f"move {number + 1} ({'B' if color == BLACK else 'W'}) is illegal: {error}") from None


def record_to_game(record: GameRecord, rules: Rules | None = None, source: str = "<sgf>",
                   moves: int | None = None) -> GameState:
    """Replay ``record`` into a GameState: its first ``moves`` moves when given (with the setup
    changes up to the next move: the position before move ``moves + 1``), else all of it. An
    illegal move or setup raises SGFError with the move number and the reason."""
    game = start_position(record, rules, source)
    for _ in _walk(game, record, source, moves):
        pass
    _apply_setup_change(game, record, len(game.moves), source)
    return game


def load_game(path: str | os.PathLike, rules: Rules | None = None) -> GameState:
    """Read and replay an SGF file; raises SGFError."""
    return record_to_game(read_sgf(path), rules, source=str(path))


def game_to_record(game: GameState, black_name: str = "", white_name: str = "", result: str | None = None) -> GameRecord:
    """The record of a GameState (result: given, or the game's own when it is over). ``PL`` is
    kept for a set-up start position whose side to move is not the default."""
    if result is None:
        result = game.result() if game.is_over else ""
    rules_name = sgf_rules_name(game.rules)
    default = WHITE if game.handicap else BLACK
    first_mover = game.moves[0].color if game.moves else game.to_move
    return GameRecord(
        size=game.size, komi=game.komi, handicap=game.handicap,
        setup_black=sorted(game.setup_black), setup_white=sorted(game.setup_white),  # SGF point lists are sets
        moves=[(m.color, m.point) for m in game.moves], result=result, rules=rules_name,
        black_name=black_name, white_name=white_name,
        to_move=first_mover if first_mover != default and (game.setup_black or game.setup_white) else None,
        setup_changes=dict(game.setup_changes),
    )


# RU values as SGF files write them (FF[4] names Japanese, Chinese, AGA, NZ, GOE) -> our rule sets
_SGF_RULES = {"chinese": "chinese", "japanese": "japanese", "korean": "japanese", "aga": "aga", "nz": "new-zealand",
              "new zealand": "new-zealand", "new-zealand": "new-zealand", "tromp-taylor": "tromp-taylor",
              "tromp taylor": "tromp-taylor", "tromp_taylor": "tromp-taylor"}
_RULES_SGF = {"chinese": "Chinese", "japanese": "Japanese", "aga": "AGA", "new-zealand": "NZ", "tromp-taylor": "Tromp-Taylor"}


def rules_named_by(record: GameRecord, current: Rules) -> Rules | None:
    """The rule set the record's ``RU`` names, with ``current``'s komi; None for no or an unknown name."""
    key = _SGF_RULES.get(record.rules.strip().lower())
    return None if key is None else Rules.named(key, current)


def sgf_rules_name(rules: Rules) -> str:
    """The RU value for ``rules``: its named set's SGF name, else Chinese or Japanese by scoring."""
    for key, named in NAMED_RULES.items():
        if named.with_changes(komi=rules.komi) == rules:
            return _RULES_SGF[key]
    return "Chinese" if rules.scoring == "area" else "Japanese"


def write_sgf(record: GameRecord | GameState) -> bytes:
    """Serialise a GameRecord (or a GameState) as SGF bytes (UTF-8, ``CA[UTF-8]``)."""
    if isinstance(record, GameState):
        record = game_to_record(record)
    game = sgf.Sgf_game(record.size, encoding="UTF-8")
    root = game.get_root()
    root.set("CA", "UTF-8")  # said, so that readers that default to ISO-8859-1 decode the names right
    root.set("KM", record.komi)
    if record.handicap:
        root.set("HA", record.handicap)
    for prop, value in (("RE", record.result), ("RU", record.rules), ("PB", record.black_name),
                        ("PW", record.white_name), ("BR", record.black_rank), ("WR", record.white_rank),
                        ("C", record.comments.get(-1, ""))):
        if value:
            root.set(prop, value)
    if record.setup_black or record.setup_white:
        root.set_setup_stones([_from_point(p, record.size) for p in record.setup_black],
                              [_from_point(p, record.size) for p in record.setup_white])
    if record.to_move is not None:
        root.set("PL", _COLOR_LETTER[record.to_move])
    for index in range(len(record.moves) + 1):
        change = record.setup_changes.get(index)
        if change is not None and index > 0:
            node = game.extend_main_sequence()
            node.set_setup_stones(*([_from_point(p, record.size) for p in points]
                                    for points in (change.black, change.white, change.empty)))
            if change.to_move is not None:
                node.set("PL", _COLOR_LETTER[change.to_move])
        if index == len(record.moves):
            break
        color, pt = record.moves[index]
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


__all__ = ["GameRecord", "SGFError", "LoadReport", "SetupChange", "read_sgf", "start_position", "replay",
           "rules_named_by", "sgf_rules_name",
           "record_to_game", "load_game",
           "game_to_record", "write_sgf", "load_collection"]
