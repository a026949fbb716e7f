"""What a search returns: per-move statistics, the root value and ownership. Plain data, so that
GTP, self-play and training can use it without knowing which search produced it."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SearchLimits:
    """When to stop: after ``visits`` playouts/simulations, after ``seconds``, or (both None)
    only when asked to (analysis)."""

    visits: int | None = None
    seconds: float | None = None


@dataclass
class MoveStats:
    """One candidate of the root. ``winrate`` and ``lcb`` are from the side to move's view
    (0..1); ``move`` and ``pv`` are points (0 = pass); ``score_lead``: the points the side to
    move leads by after this move, from a score head (None without one)."""

    move: int
    visits: int
    winrate: float
    prior: float
    lcb: float
    pv: list[int] = field(default_factory=list)
    score_lead: float | None = None
    pv_visits: list[int] = field(default_factory=list)  # visits of each node along pv (empty: not known)
    ownership: np.ndarray | None = None  # (size, size), Black's view, after this move (from a network head)


@dataclass
class SearchResult:
    """A search's findings for ``to_move``: candidates best first, the root win rate (side to
    move's view), ``ownership`` (size, size) in -1..1 from Black's view (None when not
    computed), the visits and seconds spent, and from a score head the root's ``score_lead``
    and ``score_stdev`` (points, side to move's view; None without one)."""

    to_move: int
    moves: list[MoveStats]
    visits: int
    winrate: float
    ownership: np.ndarray | None
    seconds: float
    score_lead: float | None = None
    score_stdev: float | None = None
    unvisited: list[MoveStats] = field(default_factory=list)  # other legal moves, highest prior first

    @property
    def best(self) -> MoveStats | None:
        return self.moves[0] if self.moves else None


@dataclass(frozen=True)
class MoveFilter:
    """Moves a search may not consider near the root, as KataGo's ``avoid``/``allow`` analysis
    arguments say (KataGo's GTP extensions, "avoid PLAYER VERTICES UNTILDEPTH"): each ``avoid``
    entry (colour, points, until_depth) forbids those points to that colour at plies
    1..until_depth (ply 1: the root's moves, ply 2: the replies...); each ``allow`` entry forbids
    every other point (KataGo takes one ``allow`` and no ``avoid`` beside it; here several combine,
    a point permitted only where every entry permits it). Pass is never forbidden, so a search
    always has a move."""

    avoid: tuple[tuple[int, frozenset[int], int], ...] = ()
    allow: tuple[tuple[int, frozenset[int], int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.avoid or self.allow)

    MAX_PLIES = 1000  # no search tree is deeper: a deeper until_depth means "everywhere"

    @property
    def depth(self) -> int:
        """The deepest ply any entry reaches (0: no restriction), at most MAX_PLIES."""
        return min(max((until for _c, _p, until in self.avoid + self.allow), default=0), self.MAX_PLIES)

    def forbidden(self, size: int) -> np.ndarray:
        """(depth, 3, (size + 2) ** 2) bool: [ply - 1, colour, padded point] is forbidden."""
        width = size + 2
        table = np.zeros((self.depth, 3, width * width), bool)
        on_board = np.zeros(width * width, bool)
        for row in range(1, size + 1):
            on_board[row * width + 1: row * width + size + 1] = True
        for color, points, until in self.avoid:
            table[:until, color, sorted(p for p in points if p > 0)] = True
        for color, points, until in self.allow:
            others = on_board.copy()
            others[sorted(p for p in points if p > 0)] = False
            table[:until, color] |= others
        return table

    def permits(self, color: int, point: int, ply: int = 1) -> bool:
        """Whether ``color`` may play ``point`` at ``ply`` (pass always)."""
        if point == 0:
            return True
        for entry_color, points, until in self.avoid:
            if entry_color == color and ply <= until and point in points:
                return False
        return all(not (entry_color == color and ply <= until and point not in points)
                   for entry_color, points, until in self.allow)


NO_FILTER = MoveFilter()


def choose_move(result: SearchResult, temperature: float, rng: np.random.Generator) -> int:
    """The move to play: the most visited at temperature 0, else drawn with probability
    proportional to visits ** (1 / temperature) (AlphaGo Zero's self-play exploration)."""
    if not result.moves:
        return 0
    if temperature <= 0:
        return result.moves[0].move
    visits = np.array([m.visits for m in result.moves], np.float64)
    weights = np.exp((np.log(visits) - np.log(visits.max())) / temperature)
    return result.moves[int(rng.choice(len(weights), p=weights / weights.sum()))].move


def lcb_choice(result: SearchResult, min_visits_fraction: float = 0.1) -> MoveStats | None:
    """Leela Zero's move choice: among the moves with at least ``min_visits_fraction`` of the
    most visited move's visits, the one whose win rate's lower confidence bound is highest (a
    move ahead on win rate but short of visits is not trusted until its bound says so). The most
    visited move when no other qualifies; None without moves."""
    if not result.moves:
        return None
    most = max(m.visits for m in result.moves)
    eligible = [m for m in result.moves if m.visits >= min_visits_fraction * most]
    return max(eligible, key=lambda m: (m.lcb, m.visits))
