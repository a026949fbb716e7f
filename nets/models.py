"""The PyTorch networks. Inputs are feature planes (B, C, H, W) from the side to move's view;
policy outputs are logits over H*W points + pass; values are in [-1, 1] for the side to move."""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from .config import NetConfig


class ConvTrunk(nn.Module):
    """AlphaGo's trunk: a 5x5 convolution, then 3x3 convolutions, ReLU after each."""

    def __init__(self, config: NetConfig) -> None:
        super().__init__()
        layers = [nn.Conv2d(config.input_planes, config.filters, 5, padding=2)]
        layers += [nn.Conv2d(config.filters, config.filters, 3, padding=1) for _ in range(config.layers - 2)]
        self.convs = nn.ModuleList(layers)

    def forward(self, planes: torch.Tensor) -> torch.Tensor:
        x = planes
        for conv in self.convs:
            x = F.relu(conv(x))
        return x


class PolicyNet(nn.Module):
    """Trunk, a 1x1 convolution to one plane (point logits) and a pass logit from pooled features."""

    def __init__(self, config: NetConfig) -> None:
        super().__init__()
        self.config = config
        self.trunk = ConvTrunk(config)
        self.head = nn.Conv2d(config.filters, 1, 1)
        self.pass_head = nn.Linear(config.filters, 1)

    def forward(self, planes: torch.Tensor) -> torch.Tensor:
        x = self.trunk(planes)
        points = self.head(x).flatten(1)
        pass_logit = self.pass_head(x.mean(dim=(2, 3)))
        return torch.cat([points, pass_logit], dim=1)


class ValueNet(nn.Module):
    """Trunk, a 1x1 convolution, global average and max pooling (size-independent), a fully
    connected layer and tanh."""

    def __init__(self, config: NetConfig) -> None:
        super().__init__()
        self.config = config
        self.trunk = ConvTrunk(config)
        self.reduce = nn.Conv2d(config.filters, config.filters // 2 or 1, 1)
        self.hidden = nn.Linear(2 * (config.filters // 2 or 1), config.value_hidden)
        self.out = nn.Linear(config.value_hidden, 1)

    def forward(self, planes: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.reduce(self.trunk(planes)))
        pooled = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=1)
        return torch.tanh(self.out(F.relu(self.hidden(pooled)))).squeeze(1)


class ResidualBlock(nn.Module):
    def __init__(self, filters: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
        self.norm1 = nn.BatchNorm2d(filters)
        self.conv2 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
        self.norm2 = nn.BatchNorm2d(filters)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.norm1(self.conv1(x)))
        return F.relu(x + self.norm2(self.conv2(y)))


class DualNet(nn.Module):
    """A residual tower with three heads: policy logits, value (tanh) and ownership (tanh, per
    point, +1 the side to move)."""

    def __init__(self, config: NetConfig) -> None:
        super().__init__()
        self.config = config
        self.stem = nn.Sequential(nn.Conv2d(config.input_planes, config.filters, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(config.filters), nn.ReLU())
        self.tower = nn.Sequential(*[ResidualBlock(config.filters) for _ in range(config.blocks)])
        self.policy = nn.Conv2d(config.filters, 1, 1)
        self.pass_head = nn.Linear(config.filters, 1)
        self.ownership = nn.Conv2d(config.filters, 1, 1)
        self.value_hidden = nn.Linear(2 * config.filters, config.value_hidden)
        self.value_out = nn.Linear(config.value_hidden, 1)

    def forward(self, planes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self.tower(self.stem(planes))
        pooled_mean = x.mean(dim=(2, 3))
        logits = torch.cat([self.policy(x).flatten(1), self.pass_head(pooled_mean)], dim=1)
        pooled = torch.cat([pooled_mean, x.amax(dim=(2, 3))], dim=1)
        value = torch.tanh(self.value_out(F.relu(self.value_hidden(pooled)))).squeeze(1)
        ownership = torch.tanh(self.ownership(x)).squeeze(1)
        return logits, value, ownership


class GlobalPoolingBlock(nn.Module):
    """A residual block whose first convolution's output is pooled over the board (mean and max)
    and fed back as a bias on every channel: whole-board context (ko threats, life and death
    elsewhere) in one layer, as KataGo does (Wu 2019, section 3.4)."""

    def __init__(self, filters: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
        self.norm1 = nn.BatchNorm2d(filters)
        self.pool_bias = nn.Linear(2 * filters, filters)
        self.conv2 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
        self.norm2 = nn.BatchNorm2d(filters)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.norm1(self.conv1(x)))
        pooled = torch.cat([y.mean(dim=(2, 3)), y.amax(dim=(2, 3))], dim=1)
        y = y + self.pool_bias(pooled)[:, :, None, None]
        return F.relu(x + self.norm2(self.conv2(y)))


class ZeroNet(nn.Module):
    """The self-improvement loop's network: a residual tower (every second block with global
    pooling) and four heads, all from the side to move's view. ``forward`` returns a dict:

    - ``policy``: (B, H*W + 1) logits over points then pass;
    - ``value``: (B, 3) logits of win, loss, draw;
    - ``ownership``: (B, H, W) in -1..1, +1 the side to move owns the point at the end;
    - ``score``: (B, 2) the final margin for the side to move (points, komi included) as a mean
      and the log of its spread (the score head of KataGo, as a Gaussian).
    """

    def __init__(self, config: NetConfig) -> None:
        super().__init__()
        self.config = config
        f = config.filters
        self.stem = nn.Sequential(nn.Conv2d(config.input_planes, f, 3, padding=1, bias=False), nn.BatchNorm2d(f),
                                  nn.ReLU())
        self.tower = nn.Sequential(*[GlobalPoolingBlock(f) if i % 2 == 1 else ResidualBlock(f)
                                     for i in range(config.blocks)])
        self.policy = nn.Conv2d(f, 1, 1)
        self.pass_head = nn.Linear(2 * f, 1)
        self.ownership = nn.Conv2d(f, 1, 1)
        self.value_hidden = nn.Linear(2 * f, config.value_hidden)
        self.value_out = nn.Linear(config.value_hidden, 3)
        self.score_out = nn.Linear(config.value_hidden, 2)

    def forward(self, planes: torch.Tensor) -> dict[str, torch.Tensor]:
        x = self.tower(self.stem(planes))
        pooled = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=1)
        hidden = F.relu(self.value_hidden(pooled))
        # the score's scale grows with the board: the head predicts margin / area
        area = float(planes.shape[2] * planes.shape[3])
        score = self.score_out(hidden)
        return {"policy": torch.cat([self.policy(x).flatten(1), self.pass_head(pooled)], dim=1),
                "value": self.value_out(hidden),
                "ownership": torch.tanh(self.ownership(x)).squeeze(1),
                "score": torch.stack([score[:, 0] * area, score[:, 1] + math.log(area)], dim=1)}


def build_network(config: NetConfig) -> nn.Module:
    """The module a NetConfig describes, with fresh weights."""
    return {"policy": PolicyNet, "value": ValueNet, "dual": DualNet, "zero": ZeroNet}[config.kind](config)
