"""A rules-aware game: the fast board plus superko, history, passes, resignation, undo and
scoring under the rules in force.

Colours are absolute (``BLACK``/``WHITE``). Moves are padded points (``coords.PASS`` = pass).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import board_nb as nb
from .board import Board, opponent
from .board_nb import BLACK, EMPTY, WHITE
from .coords import PASS, CoordinateError, check_size, from_gtp, on_board, point, row_col, to_gtp
from .rules import IllegalMove, Rules

_REASON_NAMES = {nb.OCCUPIED: "occupied", nb.SUICIDE: "suicide", nb.KO: "ko"}
@dataclass(frozen=True)
class Move:
    """One entry of the move history: ``point`` is PASS for a pass."""

    color: int
    point: int


@dataclass(frozen=True)
class SetupChange:
    """A change of position after moves (an SGF node with ``AB``/``AW``/``AE`` in the main line):
    points made Black, White or empty, and the side to move after it (``PL``; None: unchanged)."""

    black: tuple[int, ...] = ()
    white: tuple[int, ...] = ()
    empty: tuple[int, ...] = ()
    to_move: int | None = None


@dataclass(frozen=True)
class Score:
    """A final score: ``margin`` is Black minus White, komi and compensation included."""

    black: float
    white: float
    margin: float

    @property
    def winner(self) -> int:
        return BLACK if self.margin > 0 else (WHITE if self.margin < 0 else EMPTY)

    def result(self) -> str:
        """``B+3.5``, ``W+0.5`` or ``0`` (a tie), as GTP and SGF write it."""
        if self.margin == 0:
            return "0"
        return f"{'B' if self.margin > 0 else 'W'}+{abs(self.margin):g}"


class GameState:
    """A game in progress: the board, whose turn it is, the move history (with a snapshot of the
    board before each move, for undo and history features) and the positions seen (superko).
    ``play``/``undo`` mutate it; ``copy`` copies the board and the lists, sharing the snapshots,
    which are never written to."""

    def __init__(self, size: int = 19, rules: Rules = Rules()) -> None:
        if not isinstance(rules, Rules):  # GameState(9, 7.5) was how komi was given before it joined the rules
            raise TypeError(f"GameState(size, rules): rules must be Rules (komi is Rules.komi), not {rules!r}")
        self.size = check_size(size)
        self.rules = rules  # komi included
        self.board = Board(size)
        self.to_move = BLACK
        self.moves: list[Move] = []
        self.handicap = 0
        self.setup_black: list[int] = []
        self.setup_white: list[int] = []
        self.consecutive_passes = 0
        self.resigned: int = EMPTY
        # position changes after moves: (moves played before it, change); the history (undo,
        # superko, history planes) restarts at each, as the SGF spec implies
        self.setup_changes: list[tuple[int, SetupChange]] = []
        self._history_start = 0  # first snapshot after the last setup change
        self._snapshots: list[tuple[np.ndarray, int]] = []  # (board before a move, passes before it)
        self._position_keys: list[int] = [self._position_key()]
        self._seen: dict[int, int] = {self._position_keys[0]: 1}

    # --- positions seen (superko) ---------------------------------------------------------

    def _key_for(self, stones_hash: int, to_move: int) -> int:
        if self.rules.ko == "situational" and to_move == WHITE:
            return stones_hash ^ int(nb.SIDE_TO_MOVE_KEY)
        return stones_hash

    def _position_key(self) -> int:
        return self._key_for(self.board.hash, self.to_move)

    def _remember(self) -> None:
        key = self._position_key()
        self._position_keys.append(key)
        self._seen[key] = self._seen.get(key, 0) + 1

    def _forget(self) -> None:
        key = self._position_keys.pop()
        count = self._seen[key] - 1
        if count:
            self._seen[key] = count
        else:
            del self._seen[key]

    # --- legality -------------------------------------------------------------------------

    def legal_reason(self, pt: int, color: int | None = None) -> str | None:
        """Why ``color`` (default: side to move) may not play ``pt``, or None when it may."""
        color = self.to_move if color is None else color
        if self.resigned != EMPTY:
            return "game over"
        if pt == PASS:
            return None
        if not on_board(pt, self.size):
            return "off board"
        ko_point = self.board.array[nb.H_KO]
        if color != self.to_move:
            # the simple-ko ban applies to the side to move only
            self.board.array[nb.H_KO] = 0
        verdict = nb.legal_reason_nb(self.board.array, pt, color, self.rules.suicide)
        self.board.array[nb.H_KO] = ko_point
        if verdict != nb.LEGAL:
            return _REASON_NAMES[int(verdict)]
        if self.rules.ko != "simple":
            hashes = np.empty(1, np.int64)
            nb.hashes_after_nb(self.board.array, color, np.array([pt], np.int64), self.board.array.copy(), hashes)
            if self._key_for(int(hashes[0]), opponent(color)) in self._seen:
                return "superko"
        return None

    def is_legal(self, pt: int, color: int | None = None) -> bool:
        return self.legal_reason(pt, color) is None

    def legal_moves(self, color: int | None = None) -> np.ndarray:
        """Every legal on-board point for ``color`` (pass is always legal and not listed)."""
        color = self.to_move if color is None else color
        if self.resigned != EMPTY:
            return np.empty(0, np.int64)
        array = self.board.array
        ko_point = array[nb.H_KO]
        if color != self.to_move:
            array[nb.H_KO] = 0
        candidates = np.empty(self.size * self.size, np.int64)
        count = nb.simple_legal_points_nb(array, color, self.rules.suicide, candidates)
        array[nb.H_KO] = ko_point
        candidates = np.sort(candidates[:count])
        if self.rules.ko == "simple":
            return candidates
        hashes = np.empty(count, np.int64)
        nb.hashes_after_nb(array, color, candidates, array.copy(), hashes)
        keep = [self._key_for(int(h), opponent(color)) not in self._seen for h in hashes]
        return candidates[np.array(keep, dtype=bool)] if count else candidates

    def candidate_mask(self) -> np.ndarray:
        """(size*size + 1,) bool in policy order: the side to move's legal moves that do not fill
        its own true eye; pass (last) only when there is none. What self-play, the raw policy
        player and the flat player choose among: games played this way end with their area
        score as the true result."""
        mask = np.zeros(self.size * self.size + 1, bool)
        if self.rules.ko == "simple" and self.resigned == EMPTY:  # the common case, one numba call
            nb.candidate_mask_nb(self.board.array, self.to_move, self.rules.suicide, mask)
            return mask
        for pt in self.legal_moves():
            if not self.board.is_eye(int(pt), self.to_move):
                row, col = row_col(int(pt), self.size)
                mask[row * self.size + col] = True
        mask[-1] = not mask.any()
        return mask

    # --- moves ----------------------------------------------------------------------------

    def play(self, pt: int, color: int | None = None) -> int:
        """Play ``pt`` (PASS allowed) for ``color`` (default: side to move), who may differ from
        the side to move (GTP allows it). Raises IllegalMove; returns stones captured."""
        color = self.to_move if color is None else color
        if color not in (BLACK, WHITE):
            raise ValueError(f"colour {color!r} is neither BLACK nor WHITE")
        reason = self.legal_reason(pt, color)
        if reason is not None:
            label = to_gtp(pt, self.size) if on_board(pt, self.size) or pt == PASS else str(pt)
            raise IllegalMove(reason, label)
        self._snapshots.append((self.board.array.copy(), self.consecutive_passes))
        if color != self.to_move:
            self.board.array[nb.H_KO] = 0
        captured = 0
        if pt == PASS:
            self.board.pass_move()
            self.consecutive_passes += 1
        else:
            captured = self.board.play(pt, color)
            self.consecutive_passes = 0
        self.moves.append(Move(color, pt))
        self.to_move = opponent(color)
        self._remember()
        return captured

    def play_gtp(self, vertex: str, color: int | None = None) -> int:
        """Play a GTP vertex; malformed or off-board vertices raise IllegalMove."""
        try:
            pt = from_gtp(vertex, self.size)
        except CoordinateError as error:
            reason = "off board" if "off the" in str(error) else "wrong format"
            raise IllegalMove(reason, repr(vertex), str(error)) from None
        return self.play(pt, color)

    def resign(self, color: int | None = None) -> None:
        """``color`` (default: side to move) resigns; the game is over."""
        self.resigned = self.to_move if color is None else color

    def undo(self) -> Move:
        """Take back the last move; raises IndexError when there is none. A resignation is
        taken back first."""
        if self.resigned != EMPTY:
            self.resigned = EMPTY
            return Move(EMPTY, PASS)
        if not self.moves:
            raise IndexError("no move to undo")
        if self.setup_changes and self.setup_changes[-1][0] == len(self.moves):
            raise IndexError(f"the position was set up after move {len(self.moves)}: earlier moves cannot be undone")
        array, self.consecutive_passes = self._snapshots.pop()
        self.board.array = array
        self._forget()
        move = self.moves.pop()
        self.to_move = move.color  # the player whose move it was moves again (GTP undo)
        return move

    def recent_boards(self, count: int) -> list[np.ndarray]:
        """Board arrays of the current position and up to ``count - 1`` earlier ones, newest
        first (read-only by convention; moves before the setup are not there)."""
        start = max(self._history_start, len(self._snapshots) - (count - 1))
        earlier = [snapshot[0] for snapshot in reversed(self._snapshots[start:])] if count > 1 else []
        return [self.board.array] + earlier

    def copy(self) -> "GameState":
        """An independent copy: board, history and positions seen."""
        other = object.__new__(GameState)
        other.__dict__.update(self.__dict__)
        other.board = self.board.copy()
        other.moves = list(self.moves)
        other.setup_black = list(self.setup_black)
        other.setup_white = list(self.setup_white)
        other.setup_changes = list(self.setup_changes)
        other._snapshots = list(self._snapshots)
        other._position_keys = list(self._position_keys)
        other._seen = dict(self._seen)
        return other

    # --- setup ----------------------------------------------------------------------------

    def setup_stones(self, black: list[int] = (), white: list[int] = ()) -> None:
        """Add setup stones (SGF AB/AW) before the first move. They are not moves and cannot
        be undone; raises ValueError on an occupied point or a chain left without liberties."""
        if self.moves:
            raise ValueError("setup stones can only be placed before the first move")
        for color, points in ((BLACK, black), (WHITE, white)):
            for pt in points:
                if not on_board(pt, self.size):
                    raise ValueError(f"setup point {pt} is off the {self.size}x{self.size} board")
                self.board.place_setup_stone(pt, color)
                (self.setup_black if color == BLACK else self.setup_white).append(pt)
        self._reset_positions()

    def change_setup(self, change: SetupChange) -> None:
        """Apply a setup node (SGF ``AB``/``AW``/``AE``, ``PL``) to the current position, before or
        after moves: ``AE`` points are emptied first, then ``AB``/``AW`` stones put (replacing any
        stone there). Before the first move it changes the start position (the setup lists);
        after moves it is recorded in :attr:`setup_changes`, and the history restarts there: no
        ko ban, superko counts from this position, undo stops here. Prisoners are kept. Raises
        ValueError (the game unchanged) for an off-board point or a chain left without liberties."""
        grid = self.board.grid()
        for color, points in ((EMPTY, change.empty), (BLACK, change.black), (WHITE, change.white)):
            for pt in points:
                if not on_board(pt, self.size):
                    raise ValueError(f"setup point {pt} is off the {self.size}x{self.size} board")
                grid[row_col(pt, self.size)] = color
        board = Board.from_grid(grid)
        board.array[nb.H_PRISONERS_B:nb.H_PRISONERS_W + 1] = self.board.array[nb.H_PRISONERS_B:nb.H_PRISONERS_W + 1]
        self.board = board
        if self.moves:
            self.setup_changes.append((len(self.moves), change))
            self._history_start = len(self._snapshots)
        else:
            stones = [(r, c) for r in range(self.size) for c in range(self.size)]
            self.setup_black = [point(r, c, self.size) for r, c in stones if grid[r, c] == BLACK]
            self.setup_white = [point(r, c, self.size) for r, c in stones if grid[r, c] == WHITE]
        if change.to_move is not None:
            self.to_move = change.to_move
        self.consecutive_passes = 0
        self._reset_positions()

    def place_handicap(self, points: list[int]) -> None:
        """Put Black's handicap stones on an empty board; White moves next."""
        if self.moves or self.setup_black or self.setup_white:
            raise ValueError("handicap stones need an empty board")
        if len(points) < 2 or len(set(points)) != len(points):
            raise ValueError(f"a handicap is 2 or more distinct points, got {len(points)}")
        self.setup_stones(black=list(points))
        self.handicap = len(points)
        self.to_move = WHITE
        self._reset_positions()

    def _reset_positions(self) -> None:
        self._position_keys = [self._position_key()]
        self._seen = {self._position_keys[0]: 1}

    # --- end of game and scoring ----------------------------------------------------------

    @property
    def is_over(self) -> bool:
        return self.resigned != EMPTY or self.consecutive_passes >= 2

    def compensation(self) -> float:
        """Points White gets for Black's handicap stones under the rules in force."""
        if self.rules.scoring != "area" or self.handicap == 0:
            return 0.0
        if self.rules.handicap_compensation == "n":
            return float(self.handicap)
        if self.rules.handicap_compensation == "n-1":
            return float(self.handicap - 1)
        return 0.0

    @property
    def komi(self) -> float:
        """The komi of the rules in force (:attr:`Rules.komi`)."""
        return self.rules.komi

    def white_bonus(self) -> float:
        """Points added to White's count at the end: komi, plus the handicap compensation under
        area scoring. What every scorer of a finished position (the search's game ends and
        rollouts, :func:`gogame.scoring_nb.rules_margin_nb`) subtracts from Black's count."""
        return self.komi + self.compensation()

    @property
    def territory_scoring(self) -> bool:
        return self.rules.scoring == "territory"

    def score(self, dead_stones: list[int] = ()) -> Score:
        """The score under the rules in force, with ``dead_stones`` removed first (Tromp-Taylor
        area scoring when none are given).

        Area: stones plus empty regions touching one colour only. Territory: empty regions
        touching one colour only plus prisoners, dead stones counting as prisoners. Empty points
        in seki touch both colours and count for nobody under either."""
        grid = self.board.grid()
        removed = {BLACK: 0, WHITE: 0}
        for pt in set(dead_stones):
            row, col = row_col(pt, self.size)
            if grid[row, col] != EMPTY:
                removed[int(grid[row, col])] += 1
                grid[row, col] = EMPTY
        board = Board.from_grid(grid)
        owners = board.owners()
        stones = board.grid()
        if self.rules.scoring == "area":
            black = float(np.count_nonzero(owners == BLACK))
            white = float(np.count_nonzero(owners == WHITE)) + self.komi + self.compensation()
        else:
            empty_owned = stones == EMPTY
            prisoners_black, prisoners_white = self.board.prisoners
            black = float(np.count_nonzero(empty_owned & (owners == BLACK)) + prisoners_black + removed[WHITE])
            white = float(np.count_nonzero(empty_owned & (owners == WHITE)) + prisoners_white + removed[BLACK])
            white += self.komi
        return Score(black, white, black - white)

    def result(self, dead_stones: list[int] = ()) -> str:
        """``B+R``/``W+R`` after a resignation, else the score's result string."""
        if self.resigned != EMPTY:
            return "W+R" if self.resigned == BLACK else "B+R"
        return self.score(dead_stones).result()

