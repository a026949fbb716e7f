"""The sections the training stages' settings share (:mod:`common.settings`: a section's keys
are set as ``section.key`` with ``--set``, or in a ``[section]`` table of the TOML file).

- :class:`NetShape` (``filters``, ``layers``): a network's shape; ``net`` of SL and value,
  ``critic`` of RL.
- :class:`SGD` (``learning_rate``, ``momentum``, ``weight_decay``): ``optimizer`` (the policy's)
  and ``critic_optimizer`` of RL; :class:`MinibatchSGD` adds ``batch_size``: ``optimizer`` of
  the value stage, and of SL, whose ``HalvingSGD`` adds ``lr_halving_steps``.
- :class:`Game` (``size``, ``komi``): the games RL and the value stage play, ``game``.

Each stage gives a section its own defaults (``net: NetShape = NetShape(filters=32, layers=4)``:
sections are frozen, so one instance can be every config's default); a section's
``__post_init__`` refuses the values it cannot work with, so a bad key is named before a run
starts.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import torch

from gogame.coords import check_size
from gogame.rules import check_komi
from nets.config import NetConfig


@dataclass(frozen=True)
class NetShape:
    """A network's shape: ``filters`` per convolution, ``layers`` convolutions (at least 2)."""

    filters: int = 64
    layers: int = 6

    def __post_init__(self) -> None:
        if self.filters < 1 or self.layers < 2:
            raise ValueError(f"network sizes must be positive (layers >= 2): {self}")

    def network(self, kind: str, feature_set: str) -> NetConfig:
        """The NetConfig of a ``kind`` network of this shape reading ``feature_set``."""
        return NetConfig(kind=kind, feature_set=feature_set, filters=self.filters, layers=self.layers)


@dataclass(frozen=True)
class SGD:
    """Stochastic gradient descent at ``learning_rate`` with ``momentum`` and ``weight_decay``."""

    learning_rate: float = 0.01
    momentum: float = 0.9
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        if self.learning_rate <= 0 or self.momentum < 0 or self.weight_decay < 0:
            raise ValueError(f"bad optimizer settings (learning_rate > 0, momentum and weight_decay >= 0): {self}")

    def build(self, parameters: Iterable[torch.nn.Parameter]) -> torch.optim.SGD:
        """The optimizer of ``parameters``."""
        return torch.optim.SGD(parameters, lr=self.learning_rate, momentum=self.momentum,
                               weight_decay=self.weight_decay)


@dataclass(frozen=True)
class MinibatchSGD(SGD):
    """SGD on minibatches of ``batch_size`` examples."""

    batch_size: int = 128

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")


@dataclass(frozen=True)
class Game:
    """The games a stage plays: board ``size`` and ``komi`` (area scoring)."""

    size: int = 9
    komi: float = 7.5

    def __post_init__(self) -> None:
        check_size(self.size)
        check_komi(self.komi)


__all__ = ["Game", "MinibatchSGD", "NetShape", "SGD"]
