"""Stage 2: policy-gradient reinforcement learning by self-play (AlphaGo's RL policy network).

Each iteration the learner plays ``games_per_iteration`` games in lockstep (half as Black) against
an opponent drawn from a pool of its earlier checkpoints (the SL network first; a new member every
``pool_every`` iterations), and takes one gradient step with the chosen estimator of
:mod:`training.policy_gradient`: ``reinforce``, ``baseline``, ``actor_critic``, ``advantage`` or
``nstep``. The estimators that need V(s) train a value network (the critic) alongside, by Monte
Carlo regression on the game outcomes. Every ``eval_every`` iterations the learner plays the SL
network; that win rate is logged (``log.csv``) and plotted (``rl.png``). The reward is +1 for a
win, -1 for a loss, at the last move only. ``max_grad_norm`` > 0 clips the policy gradient's norm.
"""
from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from gogame.board_nb import BLACK, WHITE
from gogame.features import FEATURES_ALPHAGO_48, FEATURES_ALPHAGO_49
from common.files import atomic_write
from nets.checkpoint import CheckpointInfo, load_checkpoint, save_checkpoint
from nets.device import Device, pick_device
from nets.models import build_network
from selfplay.lockstep import outcome_for, play_lockstep

from .policy_gradient import ESTIMATORS, estimator_weights
from .run import Run
from .sections import SGD, Game, NetShape


@dataclass(frozen=True)
class RLConfig:
    """sl: the SL policy checkpoint to start from; out: run folder; ``game``: the board size and
    komi of every game played; ``optimizer``: the policy's SGD; ``critic``: the value network's
    shape, ``critic_optimizer`` its SGD; the rest as the module says."""

    sl: str = "runs/sl/policy.safetensors"
    out: str = "runs/rl"
    game: Game = Game(size=9, komi=7.5)
    iterations: int = 100
    games_per_iteration: int = 32
    estimator: str = "reinforce"
    gamma: float = 1.0
    n_step: int = 4
    optimizer: SGD = SGD(learning_rate=0.002, momentum=0.9, weight_decay=0.0)
    critic: NetShape = NetShape(filters=32, layers=3)
    critic_optimizer: SGD = SGD(learning_rate=0.01, momentum=0.9, weight_decay=0.0)
    pool_every: int = 10
    eval_every: int = 10
    eval_games: int = 32
    temperature: float = 1.0
    max_moves: int = 0
    max_grad_norm: float = 0.0
    device: Device = "auto"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.estimator not in ESTIMATORS:
            raise ValueError(f"unknown estimator {self.estimator!r}: expected one of {', '.join(ESTIMATORS)}")
        if (self.games_per_iteration < 2 or self.iterations < 0 or self.pool_every < 1 or self.eval_every < 1
                or self.max_grad_norm < 0):
            raise ValueError(f"bad RL settings: {self}")


RECORDED = FEATURES_ALPHAGO_49
"""The planes recorded in self-play: the critic reads them all, the learner its first ``input_planes``."""
READABLE = (FEATURES_ALPHAGO_48.name, FEATURES_ALPHAGO_49.name)
"""The learner's feature sets: a prefix of the recorded planes."""

LOG_FIELDS = ["iteration", "train_win_rate", "policy_loss", "value_loss", "win_rate_vs_sl", "pool_size", "seconds"]


def _unpack(trajectories, planes_shape) -> tuple[np.ndarray, list[slice]]:
    count = int(np.prod(planes_shape))
    rows, spans, start = [], [], 0
    for trajectory in trajectories:
        for packed in trajectory.planes:
            rows.append(np.unpackbits(packed)[:count].reshape(planes_shape))
        spans.append(slice(start, start + len(trajectory.actions)))
        start += len(trajectory.actions)
    return np.stack(rows).astype(np.float32), spans


def win_rate(learner, opponent, games: int, config: RLConfig, device, rng) -> float:
    """The learner's share of wins against ``opponent`` over ``games`` (colours alternating)."""
    half = max(1, games // 2)
    wins = 0.0
    for color in (BLACK, WHITE):
        players = {color: learner, 3 - color: opponent}
        played, _ = play_lockstep(players, half, config.game.size, config.game.komi, device, rng,
                                  temperature=config.temperature, max_moves=config.max_moves or None)
        wins += sum((outcome_for(game, color) + 1) / 2 for game in played)  # a tie counts half
    return wins / (2 * half)


def plot_rl(log_path: Path, png_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in csv.DictReader(log_path.open()) if r["win_rate_vs_sl"] != ""]
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.plot([int(r["iteration"]) for r in rows], [float(r["win_rate_vs_sl"]) for r in rows], marker="o")
    axis.axhline(0.5, color="grey", linewidth=0.5)
    axis.set_ylim(0, 1)
    axis.set_xlabel("iteration")
    axis.set_ylabel("win rate against the SL policy")
    figure.tight_layout()
    atomic_write(png_path, lambda temporary: figure.savefig(temporary, format="png"))
    plt.close(figure)


def train_rl(config: RLConfig, progress: Callable[[int, int], None] | None = None) -> dict:
    """Run (or resume) policy-gradient self-play; returns the last log row."""
    out = Path(config.out)
    (out / "pool").mkdir(parents=True, exist_ok=True)
    device = pick_device(config.device)
    torch.manual_seed(config.seed)
    sl_policy, sl_info = load_checkpoint(config.sl, expected_kind="policy")
    if sl_info.config.feature_set not in READABLE:
        raise ValueError(f"{config.sl}: RL self-play reads the {'/'.join(READABLE)} feature sets, "
                         f"not {sl_info.config.feature_set!r}")
    sl_policy.to(device).eval()
    learner = build_network(sl_info.config).to(device)
    learner.load_state_dict(sl_policy.state_dict())
    policy_optimizer = config.optimizer.build(learner.parameters())
    critic = build_network(config.critic.network("value", RECORDED.name)).to(device)
    critic_optimizer = config.critic_optimizer.build(critic.parameters())
    parts = {"policy": (learner, policy_optimizer), "critic": (critic, critic_optimizer)}
    run = Run(out, {"rl": asdict(config)}, LOG_FIELDS, "policy.safetensors", key="iteration")
    iteration, extra = run.resume(parts)
    pool = [p for p in extra.get("pool", []) if (out / "pool" / p).exists()]
    planes_shape = (RECORDED.planes, config.game.size, config.game.size)

    def train_step(iteration: int) -> dict:
        """One iteration: games against a pool member, one policy (and critic) step, its log row."""
        rng = np.random.default_rng([config.seed, iteration])
        choice = int(rng.integers(len(pool) + 1))
        opponent = sl_policy if choice == len(pool) else load_checkpoint(out / "pool" / pool[choice])[0].to(device).eval()
        trajectories, outcomes = [], []
        learner.eval()
        for color in (BLACK, WHITE):
            players = {color: learner, 3 - color: opponent}
            _, recorded = play_lockstep(players, config.games_per_iteration // 2, config.game.size, config.game.komi,
                                        device, rng, record_color=color, temperature=config.temperature,
                                        max_moves=config.max_moves or None, record_features=RECORDED.name)
            trajectories += [t for t in recorded if t.actions]
        learner.train()
        planes, spans = _unpack(trajectories, planes_shape)
        x = torch.from_numpy(planes).to(device)
        values = critic(x).detach().cpu().numpy() if config.estimator != "reinforce" else None
        weights = []
        for trajectory, span in zip(trajectories, spans):
            rewards = np.zeros(len(trajectory.actions))
            rewards[-1] = trajectory.outcome
            outcomes.append(trajectory.outcome)
            v = None if values is None else np.append(values[span], 0.0)
            weights.append(estimator_weights(config.estimator, rewards, v, config.gamma, config.n_step))
        g = torch.from_numpy(np.concatenate(weights).astype(np.float32)).to(device)
        actions = torch.tensor([a for t in trajectories for a in t.actions], device=device)
        masks = torch.from_numpy(np.stack([m for t in trajectories for m in t.masks])).to(device)
        logits = learner(x[:, : sl_info.config.input_planes]).masked_fill(~masks, -1e9)
        log_probs = F.log_softmax(logits, dim=1).gather(1, actions[:, None]).squeeze(1)
        policy_loss = -(g * log_probs).sum() / len(trajectories)
        policy_optimizer.zero_grad()
        policy_loss.backward()
        if config.max_grad_norm > 0:  # a rare huge step can wreck the policy for good (collapse)
            torch.nn.utils.clip_grad_norm_(learner.parameters(), config.max_grad_norm)
        policy_optimizer.step()
        value_loss = 0.0
        if config.estimator != "reinforce":  # the critic: Monte Carlo regression on the outcomes
            targets = torch.tensor([t.outcome for t in trajectories for _ in t.actions], device=device)
            loss = F.mse_loss(critic(x), targets)
            critic_optimizer.zero_grad()
            loss.backward()
            critic_optimizer.step()
            value_loss = loss.item()
        done = iteration + 1
        if done % config.pool_every == 0:
            name = f"iteration-{done:06d}.safetensors"
            save_checkpoint(out / "pool" / name, learner, CheckpointInfo(sl_info.config, (config.game.size,), done,
                                                                         {"stage": "rl", "pool": True}))
            pool.append(name)
        evaluated = ""
        if done % config.eval_every == 0 or done == config.iterations:
            learner.eval()
            evaluated = round(win_rate(learner, sl_policy, config.eval_games, config, device, rng), 4)
        return {"iteration": done, "train_win_rate": round(float(np.mean(np.array(outcomes) > 0)), 4),
                "policy_loss": round(policy_loss.item(), 5), "value_loss": round(value_loss, 5),
                "win_rate_vs_sl": evaluated, "pool_size": len(pool) + 1}

    def plot(row: dict) -> None:
        if row["win_rate_vs_sl"] != "":
            plot_rl(run.log_path, out / "rl.png")

    return run.train(parts, iteration, config.iterations, train_step, lambda iteration, rows: rows[-1], learner,
                     CheckpointInfo(sl_info.config, (config.game.size,),
                                    provenance={"stage": "rl", "sl": str(config.sl), "estimator": config.estimator}),
                     plot=plot, extra=lambda: {"pool": pool},
                     progress=(lambda iteration, row: progress(iteration, config.iterations)) if progress else None)
