"""``NetConfig``: everything that defines a network's shape, saved with every checkpoint."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from gogame.features import feature_set

NET_KINDS = ("policy", "value", "dual", "zero")
HEADS = {"policy": ("policy",), "value": ("value",), "dual": ("policy", "value", "ownership"),
         "zero": ("policy", "value", "ownership", "score")}


@dataclass(frozen=True)
class NetConfig:
    """kind: ``policy`` (AlphaGo's SL/RL policy network: a 5x5 convolution with ``filters``
    filters, ``layers - 2`` 3x3 convolutions, a 1x1 head, softmax over points + pass), ``value``
    (the same trunk, a fully connected layer of ``value_hidden`` units, tanh) or ``dual`` (a
    residual tower of ``blocks`` blocks with policy, value and ownership heads) or ``zero`` (the
    AlphaGo Zero / KataGo network: a residual tower whose every second block adds global pooling,
    and four heads: policy, value as win/loss/draw, ownership and score; it reads ``zero50``,
    whose komi plane lets value and score hold at any komi). Trunks are fully
    convolutional, so a net trained on one board size runs on another (the value head pools
    globally for that reason)."""

    kind: str = "policy"
    feature_set: str = "alphago48"
    filters: int = 64
    layers: int = 6
    blocks: int = 4
    value_hidden: int = 128

    def __post_init__(self) -> None:
        if self.kind not in NET_KINDS:
            raise ValueError(f"unknown network kind {self.kind!r}: expected one of {', '.join(NET_KINDS)}")
        feature_set(self.feature_set)  # raises for an unknown set
        if self.filters < 1 or self.layers < 2 or self.blocks < 1 or self.value_hidden < 1:
            raise ValueError(f"network sizes must be positive (layers >= 2): {self}")
        if self.kind == "zero" and self.feature_set != "zero50":
            raise ValueError(f"a zero network reads the zero50 feature set (komi is an input), not {self.feature_set!r}")

    @property
    def heads(self) -> tuple[str, ...]:
        """The outputs this kind of network has."""
        return HEADS[self.kind]

    @property
    def input_planes(self) -> int:
        return feature_set(self.feature_set).planes

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "NetConfig":
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown NetConfig fields {sorted(unknown)}")
        return cls(**data)
