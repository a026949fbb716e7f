"""Self-play settings (one typed dataclass, the project's settings mechanism): how each game is set
up, searched, played and recorded. KataGo's methods and their names (Wu 2019, "Accelerating
Self-Play Learning in Go"): playout cap randomisation, forced playouts with policy-target pruning,
Dirichlet noise scaled to the legal moves; and the Gumbel root of Danihelka et al. (2022)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gogame.coords import check_size
from gogame.rules import Rules
from search.gumbel import GumbelConfig
from search.mcts import SearchConfig

# self-play's search: value network alone (no rollouts), KataGo's root noise and forced playouts
SELFPLAY_SEARCH = SearchConfig(batch_size=8, rollout_weight=0.0, dirichlet_epsilon=0.25, forced_playouts_k=2.0,
                               node_limit=20_000, edges_per_node=82, reuse_tree=True)


@dataclass(frozen=True)
class PlayoutCap:
    """Playout cap randomisation: a ``full_visits`` search on a ``full_fraction`` of moves (these
    alone are policy targets, and only these get root noise and forced playouts), a
    ``cheap_visits`` one on the rest. ``full_fraction`` 1 searches every move fully."""

    full_visits: int = 600
    cheap_visits: int = 100
    full_fraction: float = 0.25

    def __post_init__(self) -> None:
        if self.full_visits < 1 or self.cheap_visits < 1:
            raise ValueError(f"full_visits and cheap_visits must be at least 1, got {self.full_visits}, "
                             f"{self.cheap_visits}")
        if not 0 <= self.full_fraction <= 1:
            raise ValueError(f"full_fraction must be within 0..1, got {self.full_fraction}")


@dataclass(frozen=True)
class GameSetup:
    """Each game's rules and start: ``rules`` (ko, suicide, scoring, compensation; komi is drawn
    per game): komi drawn from a normal around ``komi_mean`` with ``komi_stdev`` (rounded to
    half points; 0 = always the mean); a ``handicap_fraction`` of games start with 2 to
    ``max_handicap`` fixed handicap stones and ``handicap_komi``."""

    rules: Rules = Rules()
    komi_mean: float = 7.0
    komi_stdev: float = 1.0
    handicap_fraction: float = 0.0
    max_handicap: int = 4
    handicap_komi: float = 0.5

    def __post_init__(self) -> None:
        if self.komi_stdev < 0:
            raise ValueError(f"komi_stdev must be at least 0, got {self.komi_stdev}")
        if not 0 <= self.handicap_fraction <= 1:
            raise ValueError(f"handicap_fraction must be within 0..1, got {self.handicap_fraction}")
        if self.max_handicap < 2:
            raise ValueError(f"max_handicap must be at least 2, got {self.max_handicap}")


@dataclass(frozen=True)
class Resignation:
    """A side resigns when its root win rate stays below ``threshold`` for ``consecutive`` of
    its moves; a ``no_resign_fraction`` of games never resign, and their would-be resignations
    measure how often resigning would have been wrong."""

    threshold: float = 0.05
    consecutive: int = 3
    no_resign_fraction: float = 0.1

    def __post_init__(self) -> None:
        if not 0 <= self.threshold < 0.5:
            raise ValueError(f"resignation threshold must be within 0..0.5, got {self.threshold}")
        if self.consecutive < 1:
            raise ValueError(f"consecutive must be at least 1, got {self.consecutive}")
        if not 0 <= self.no_resign_fraction <= 1:
            raise ValueError(f"no_resign_fraction must be within 0..1, got {self.no_resign_fraction}")


@dataclass(frozen=True)
class SelfPlayConfig:
    """``size``: board size; ``root``: ``puct`` (visit counts, forced playouts, Dirichlet noise)
    or ``gumbel`` (sequential halving, improved-policy targets; ``gumbel`` settings);
    ``temperature`` for the first ``temperature_moves`` moves (visit-count sampling), greedy
    after; ``games_per_thread``: games each worker searches together (their leaves share one
    network call); ``max_moves``: a game stops unfinished there (0: 3 * size * size);
    ``shard_games``: finished games per shard; ``feature_set``: the packed input planes each
    position carries; ``seed``: the run's seed (game ``i`` draws from (seed, i));
    ``join_batches``: whether worker threads join their leaves into one network call by one
    owner (``yes``: a GPU's way, larger batches) or each thread calls the network itself with
    one core (``no``: a CPU's way); ``auto`` joins on CUDA only (measured on 2 CPU cores: 1.57x
    the simulations/s of one thread when joined, 2.05x when not)."""

    size: int = 9
    root: Literal["puct", "gumbel"] = "puct"
    playouts: PlayoutCap = PlayoutCap()
    search: SearchConfig = SELFPLAY_SEARCH
    gumbel: GumbelConfig = GumbelConfig()
    game: GameSetup = GameSetup()
    resign: Resignation = Resignation()
    temperature: float = 1.0
    temperature_moves: int = 12
    games_per_thread: int = 8
    max_moves: int = 0
    shard_games: int = 64
    feature_set: Literal["alphago48", "alphago49", "zero50"] = "alphago48"
    ownership_playouts: int = 400
    seed: int = 0
    join_batches: Literal["auto", "yes", "no"] = "auto"

    def __post_init__(self) -> None:
        check_size(self.size)
        checks = [(self.temperature >= 0, "temperature must be at least 0"),
                  (self.temperature_moves >= 0, "temperature_moves must be at least 0"),
                  (self.games_per_thread >= 1, "games_per_thread must be at least 1"),
                  (self.max_moves >= 0, "max_moves must be at least 0"),
                  (self.shard_games >= 1, "shard_games must be at least 1"),
                  (self.ownership_playouts >= 1, "ownership_playouts must be at least 1"),
                  (self.seed >= 0, "seed must be at least 0")]
        failed = [message for ok, message in checks if not ok]
        if failed:
            raise ValueError("; ".join(failed))

    @property
    def move_limit(self) -> int:
        return self.max_moves or 3 * self.size * self.size


__all__ = ["SELFPLAY_SEARCH", "PlayoutCap", "GameSetup", "Resignation", "SelfPlayConfig"]
