"""The engine's settings: one frozen dataclass, read from a TOML file and ``--set key=value``."""
from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from gogame.coords import check_size
from gogame.game import check_komi
from gogame.rules import NAMED_RULES, Rules

DEFAULT_SECONDS_PER_MOVE = 3.0  # Sabaki sends no time settings: never think forever


@dataclass(frozen=True)
class EngineConfig:
    """boardsize and komi at start; rules; per-move limits (``visits`` or ``time`` seconds;
    neither: DEFAULT_SECONDS_PER_MOVE unless a time system is set); resignation below
    ``resign_threshold`` win rate after ``resign_min_visits``; ``lag`` seconds kept in reserve;
    ``ownership_playouts`` for final_score / final_status_list; ``seed``; the player: ``mcts``
    (with ``weights``/``value_weights`` checkpoints on ``device``, else bundled weights, else
    rollouts only; ``batch_size`` leaves per network call, AlphaGo's ``rollout_weight`` lambda,
    ``node_limit``), ``policy`` (the policy network alone, no search: each move drawn from it at
    ``policy_temperature``, 0 = its most probable move) or ``flat`` (flat Monte Carlo)."""

    boardsize: int = 19
    komi: float = 7.5
    rules: Rules = field(default_factory=Rules)
    visits: int | None = None
    time: float | None = None
    resign_threshold: float = 0.05
    resign_min_visits: int = 2000
    lag: float = 0.3
    ownership_playouts: int = 400
    seed: int = 0
    player: str = "mcts"
    weights: str | None = None
    value_weights: str | None = None
    rollout_weights: str | None = None
    device: str = "auto"
    batch_size: int = 16
    rollout_weight: float = 0.5
    node_limit: int = 1_000_000
    policy_temperature: float = 1.0

    def __post_init__(self) -> None:
        check_size(self.boardsize)
        check_komi(self.komi)
        if self.visits is not None and self.visits < 1:
            raise ValueError(f"visits must be at least 1, got {self.visits}")
        if self.time is not None and not self.time > 0:
            raise ValueError(f"time must be positive seconds, got {self.time}")
        if not 0 <= self.resign_threshold < 1:
            raise ValueError(f"resign_threshold must be in [0, 1), got {self.resign_threshold}")
        if self.player not in ("mcts", "policy", "flat"):
            raise ValueError(f"player must be mcts, policy or flat, not {self.player!r}")
        if not self.policy_temperature >= 0:
            raise ValueError(f"policy_temperature must be at least 0, got {self.policy_temperature}")
        if not 0 <= self.rollout_weight <= 1:
            raise ValueError(f"rollout_weight must be within 0..1, got {self.rollout_weight}")
        if self.batch_size < 1 or self.node_limit < 1000:
            raise ValueError("batch_size must be positive and node_limit at least 1000")

    def to_dict(self) -> dict:
        return asdict(self)


def _parse_value(key: str, text: str):
    if key == "rules.suicide":
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"{key} must be true or false, not {text!r}")
        return lowered == "true"
    if key.startswith("rules."):
        return text
    kind = {f.name: f.type for f in fields(EngineConfig)}[key]
    if text.lower() in ("none", "") and "None" in str(kind):
        return None
    if "int" in str(kind) and "float" not in str(kind):
        return int(text)
    if "float" in str(kind):
        return float(text)
    return text


def apply_settings(config: EngineConfig, settings: dict[str, object]) -> EngineConfig:
    """A copy of ``config`` with ``settings`` (``key`` or ``rules.key`` -> value, values as
    strings or already typed) applied; unknown keys and bad values raise ValueError."""
    names = {f.name for f in fields(EngineConfig)} - {"rules"}
    rule_names = {f.name for f in fields(Rules)}
    changes: dict[str, object] = {}
    rules = config.rules
    for key, value in settings.items():
        if key == "rules":
            if str(value).lower() not in NAMED_RULES:
                raise ValueError(f"unknown rules {value!r}: known are {', '.join(NAMED_RULES)}")
            rules = NAMED_RULES[str(value).lower()]
            continue
        if key.startswith("rules.") and key[6:] in rule_names:
            parsed = _parse_value(key, value) if isinstance(value, str) else value
            rules = rules.with_changes(**{key[6:]: parsed})
            continue
        if key not in names:
            known = sorted(names) + sorted(f"rules.{n}" for n in rule_names) + ["rules"]
            raise ValueError(f"unknown setting {key!r}: known settings are {', '.join(known)}")
        try:
            changes[key] = _parse_value(key, value) if isinstance(value, str) else value
        except ValueError:
            raise ValueError(f"bad value {value!r} for setting {key!r}") from None
    return replace(config, rules=rules, **changes)


def parse_set_options(options: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` -> dict; raises ValueError on a missing ``=``."""
    settings = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set expects key=value, got {option!r}")
        settings[key.strip()] = value.strip()
    return settings


def load_config(path: str | Path | None, overrides: dict[str, str]) -> EngineConfig:
    """Defaults, then the TOML file (flat keys and a ``[rules]`` table), then ``overrides``."""
    config = EngineConfig()
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text())
        except OSError as error:
            raise ValueError(f"cannot read config file {path}: {error.strerror or error}") from None
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"config file {path} is not valid TOML: {error}") from None
        flat: dict[str, object] = {}
        for key, value in data.items():
            if key == "rules" and isinstance(value, dict):
                flat.update({f"rules.{k}": v for k, v in value.items()})
            else:
                flat[key] = value
        config = apply_settings(config, flat)
    return apply_settings(config, overrides)
