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

    @property
    def best(self) -> MoveStats | None:
        return self.moves[0] if self.moves else None


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
