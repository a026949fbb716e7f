"""The searcher contract: what the GTP engine, matches and self-play ask of a player.

MCTS (:mod:`search.mcts`), the flat Monte Carlo player (:mod:`search.flat`) and the raw policy
player (:mod:`search.policy_player`) implement it.
"""
from __future__ import annotations

from typing import Callable, Protocol

from gogame.game import GameState

from .result import NO_FILTER, MoveFilter, SearchLimits, SearchResult


class Searcher(Protocol):
    """``search`` returns the statistics of ``game.to_move``'s candidate moves, best first.

    ``limits``: visits and/or seconds (either may be None); ``should_stop()`` is polled and ends
    the search early (GTP interrupts, analysis); ``on_progress(result)`` gets a snapshot every
    ``progress_interval`` seconds; ``tromp_taylor_ends``: value every game end as the stones
    stand, dead stones not removed (GTP ``kgs-genmove_cleanup``), instead of by the game's
    scoring with dead stones estimated; ``move_filter``: moves not to consider near the root
    (analysis ``avoid``/``allow``), at the root at least. ``SearchResult.unvisited`` lists the
    other legal moves by prior where the searcher knows them (analysis ``minmoves``)."""

    def search(self, game: GameState, limits: SearchLimits, should_stop: Callable[[], bool] = ...,
               on_progress: Callable[[SearchResult], None] | None = None, progress_interval: float = 1.0,
               tromp_taylor_ends: bool = False, move_filter: MoveFilter = NO_FILTER) -> SearchResult: ...

    def warm_up(self) -> None:
        """Compile kernels and load what the first real search needs, so it is not slow."""
        ...


__all__ = ["Searcher"]
