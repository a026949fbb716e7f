"""The PyTorch networks. Inputs are feature planes (B, C, H, W) from the side to move's view;
policy outputs are logits over H*W points + pass; values are in [-1, 1] for the side to move."""
from __future__ import annotations

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


def build_network(config: NetConfig) -> nn.Module:
    """The module a NetConfig describes, with fresh weights."""
    return {"policy": PolicyNet, "value": ValueNet, "dual": DualNet}[config.kind](config)
