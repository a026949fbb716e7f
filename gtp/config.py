"""The engine's settings: one frozen dataclass with sections, set from a TOML file and
``--set key=value`` through :mod:`common.settings` (``search.c_puct=2.0``, ``rules.ko=simple``, ``rules.komi=6.5``,
``rules=japanese``, ``nets.device=cpu``, ``time.visits=800``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from common.settings import load_settings
from gogame.coords import check_size
from gogame.rules import Rules
from nets.device import Device
from search.flat import FlatConfig
from search.mcts import SearchConfig
from search.policy_player import PolicyPlayerConfig

DEFAULT_SECONDS_PER_MOVE = 3.0  # Sabaki sends no time settings: never think forever
# The MCTS without networks (no weights given or bundled): values from playouts, which need a
# wider search and no first-play penalty (measured in session 2 against GNU Go)
ROLLOUT_SEARCH = SearchConfig(batch_size=8, rollout_weight=0.0, c_puct=3.0, fpu_reduction=0.0)


@dataclass(frozen=True)
class NetworkFiles:
    """``weights``: the policy (or dual) checkpoint, ``value_weights`` the value network's,
    ``rollout_weights`` the fast rollout policy's (none: the bundled files where they exist);
    ``device``: where the networks run."""

    weights: str | None = None
    value_weights: str | None = None
    rollout_weights: str | None = None
    device: Device = "auto"


@dataclass(frozen=True)
class MoveTime:
    """Per-move limits: ``visits`` and/or ``seconds`` (neither: DEFAULT_SECONDS_PER_MOVE unless
    a GTP time system is set); ``lag`` seconds kept in reserve on a clock."""

    visits: int | None = None
    seconds: float | None = None
    lag: float = 0.3

    def __post_init__(self) -> None:
        if self.visits is not None and self.visits < 1:
            raise ValueError(f"visits must be at least 1, got {self.visits}")
        if self.seconds is not None and not self.seconds > 0:
            raise ValueError(f"seconds must be positive, got {self.seconds}")
        if not self.lag >= 0:
            raise ValueError(f"lag must be at least 0 seconds, got {self.lag}")


@dataclass(frozen=True)
class EngineConfig:
    """``boardsize`` at start; ``rules``, komi included (``rules.komi``); ``player``: ``mcts`` (with the networks of
    ``nets``, searched with ``search``; without any network weights, with ``rollout_search``),
    ``policy`` (the policy network alone, no search: each move drawn at ``policy.temperature``,
    0 = its most probable move) or ``flat`` (flat Monte Carlo, ``flat``); ``time``: per-move
    limits; resignation below ``resign_threshold`` win rate after ``resign_min_visits``;
    ``move_choice``: the most ``visits`` (AlphaGo) or the highest win-rate lower bound among
    moves with at least a tenth of the most visits (``lcb``, Leela Zero's); ``move_temperature``
    above 0: the move drawn among the searched ones with probability proportional to
    visits ** (1 / move_temperature) instead (KataGo's chosenMoveTemperature); ``ponder``: after
    its own move, search the opponent's position until the next command arrives, the tree kept
    for the next move; ``ownership_playouts`` for final_score / final_status_list; ``seed``: the
    one seed of the searcher, the networks' symmetries and the rollouts."""

    boardsize: int = 19
    rules: Rules = field(default_factory=Rules)
    player: Literal["mcts", "policy", "flat"] = "mcts"
    search: SearchConfig = field(default_factory=SearchConfig)
    rollout_search: SearchConfig = ROLLOUT_SEARCH
    policy: PolicyPlayerConfig = field(default_factory=PolicyPlayerConfig)
    flat: FlatConfig = field(default_factory=FlatConfig)
    nets: NetworkFiles = field(default_factory=NetworkFiles)
    time: MoveTime = field(default_factory=MoveTime)
    resign_threshold: float = 0.05
    resign_min_visits: int = 2000
    move_choice: Literal["visits", "lcb"] = "visits"
    move_temperature: float = 0.0
    ponder: bool = False
    ownership_playouts: int = 400
    seed: int = 0

    def __post_init__(self) -> None:
        check_size(self.boardsize)
        if self.seed < 0:
            raise ValueError(f"seed must be at least 0, got {self.seed}")
        if not 0 <= self.resign_threshold < 1:
            raise ValueError(f"resign_threshold must be in [0, 1), got {self.resign_threshold}")
        if not self.move_temperature >= 0:
            raise ValueError(f"move_temperature must be at least 0, got {self.move_temperature}")
        if self.ownership_playouts < 1:
            raise ValueError(f"ownership_playouts must be at least 1, got {self.ownership_playouts}")


def load_config(path: str | Path | None, overrides: dict[str, object]) -> EngineConfig:
    """Defaults, then the TOML file (keys and ``[rules]``, ``[search]``, ... tables), then
    ``overrides``; a SettingError (ValueError) names a bad key."""
    return load_settings(EngineConfig(), path, overrides)


__all__ = ["DEFAULT_SECONDS_PER_MOVE", "EngineConfig", "MoveTime", "NetworkFiles", "ROLLOUT_SEARCH", "load_config"]
