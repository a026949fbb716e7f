"""Stage 3: the value network, on AlphaGo's value data.

Data: each game is played by the SL policy up to a random move number U (uniform in 0..max_u),
then one uniformly random legal move, then the RL policy to the end. The position right after the
random move is kept, labelled with the game's outcome from its side to move: one position per
game, so the positions are nearly independent. With ``td_lambda`` < 1 the positions of the RL
continuation are kept too and the targets become lambda-returns from the value network's own
estimates (TD(lambda)), recomputed every ``eval_every`` steps; ``td_lambda = 1`` is Monte Carlo /
TD(1) regression on the outcome. Minibatches are seen under a random one of the 8 symmetries
(``symmetries``), which the value of a position does not change.

Generation runs in lockstep batches (one forward pass per move for a whole batch), in chunk files
that a resumed run does not play again; training logs train and held-out MSE (``log.csv``,
``value.png``) and checkpoints atomically like the other stages.
"""
from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from gogame.coords import PASS, from_policy_index
from gogame.features import FEATURES_ALPHAGO_49
from gogame.game import GameState
from gogame.rules import Rules
from gogame.symmetry import transform_array
from common.files import atomic_write
from nets.checkpoint import CheckpointInfo, load_checkpoint
from nets.device import Device, pick_device
from nets.models import build_network
from selfplay.lockstep import outcome_for, policy_logits, sample_moves

from .run import Run
from .sections import Game, MinibatchSGD, NetShape


RECORDED = FEATURES_ALPHAGO_49
"""The value network's planes (AlphaGo's 48 and the colour to play), recorded bit-packed."""


@dataclass(frozen=True)
class ValueConfig:
    """sl, rl: the policy checkpoints that play the value data; out: run folder; ``game``: the
    board size and komi of those games (the komi is recorded in the network's provenance);
    ``net``: the value network's shape; ``optimizer``: its minibatch SGD; the rest as the module
    says."""

    sl: str = "runs/sl/policy.safetensors"
    rl: str = "runs/rl/policy.safetensors"
    out: str = "runs/value"
    game: Game = Game(size=9, komi=7.5)
    games: int = 2000
    lockstep: int = 64
    max_u: int = 40
    temperature: float = 1.0
    td_lambda: float = 1.0
    net: NetShape = NetShape(filters=32, layers=4)
    steps: int = 2000
    optimizer: MinibatchSGD = MinibatchSGD(learning_rate=0.01, momentum=0.9, weight_decay=1e-4, batch_size=128)
    heldout_fraction: float = 0.1
    eval_every: int = 200
    checkpoint_every: int = 200
    symmetries: bool = True
    device: Device = "auto"
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.td_lambda <= 1 or self.games < 2 or self.lockstep < 1 or self.max_u < 0:
            raise ValueError(f"bad value-stage settings: {self}")
        # found out now, not after hours of game generation
        if self.steps < 0 or self.eval_every < 1 or self.checkpoint_every < 1:
            raise ValueError(f"steps must be at least 0, eval_every and checkpoint_every at least 1: {self}")


def generate_chunk(sl, rl, count: int, config: ValueConfig, device, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``count`` games of value data: planes (bit-packed), game index, ply after U, outcome."""
    games = [GameState(config.game.size, Rules(ko="simple", komi=config.game.komi)) for _ in range(count)]
    switch = rng.integers(0, config.max_u + 1, count)  # U per game
    records: list[list[tuple[np.ndarray, int]]] = [[] for _ in range(count)]
    size = config.game.size
    limit = 2 * size * size
    while True:
        active = [i for i, g in enumerate(games) if not g.is_over and len(g.moves) < limit]
        if not active:
            break
        groups = {"sl": [], "random": [], "rl": []}
        for i in active:
            played = len(games[i].moves)
            groups["sl" if played < switch[i] else ("random" if played == switch[i] else "rl")].append(i)
        for i in groups["random"]:
            mask = games[i].candidate_mask()
            choice = int(rng.choice(np.flatnonzero(mask)))
            games[i].play(from_policy_index(choice, size) if choice < size * size else PASS)
        for phase, model in (("sl", sl), ("rl", rl)):
            turn = groups[phase]
            if not turn:
                continue
            batch = [games[i] for i in turn]
            if phase == "rl":  # record the positions after the random move (the first is AlphaGo's)
                for i, game in zip(turn, batch):
                    if config.td_lambda < 1 or not records[i]:
                        records[i].append((np.packbits(RECORDED.extract(game).astype(bool)), game.to_move))
            logits = policy_logits(model, batch, device)
            choices = sample_moves(logits, np.stack([g.candidate_mask() for g in batch]), rng, config.temperature)
            for game, choice in zip(batch, choices):
                game.play(from_policy_index(int(choice), size) if choice < size * size else PASS)
    planes, index, ply, outcome = [], [], [], []
    for i, game in enumerate(games):
        for step, (packed, color) in enumerate(records[i]):
            planes.append(packed)
            index.append(i)
            ply.append(step)
            outcome.append(outcome_for(game, color))
    if not planes:  # every game ended before its random move: an empty chunk of packed rows
        return {"planes": np.zeros((0, -(-RECORDED.planes * size * size // 8)), np.uint8), "game": np.zeros(0, np.int32),
                "ply": np.zeros(0, np.int32), "outcome": np.zeros(0, np.float32)}
    return {"planes": np.stack(planes), "game": np.array(index, np.int32), "ply": np.array(ply, np.int32),
            "outcome": np.array(outcome, np.float32)}


def lambda_targets(values: np.ndarray, outcomes: np.ndarray, games: np.ndarray, plies: np.ndarray, lam: float) -> np.ndarray:
    """TD(lambda) targets along each game's recorded positions (side to move's view at each, so the
    next position's value is negated): G_t = (1 - lam) * -V(s_{t+1}) + lam * -G_{t+1}; the last
    recorded position's target is its outcome."""
    targets = outcomes.astype(np.float64).copy()
    order = np.lexsort((plies, games))
    for k in range(len(order) - 2, -1, -1):
        here, after = order[k], order[k + 1]
        if games[here] == games[after] and plies[after] == plies[here] + 1:
            targets[here] = (1 - lam) * -values[after] + lam * -targets[after]
    return targets.astype(np.float32)


LOG_FIELDS = ["step", "train_mse", "heldout_mse", "positions", "seconds"]


def _plot(log_path: Path, png_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(csv.DictReader(log_path.open()))
    figure, axis = plt.subplots(figsize=(6, 4))
    steps = [int(r["step"]) for r in rows]
    axis.plot(steps, [float(r["train_mse"]) for r in rows], label="train MSE")
    axis.plot(steps, [float(r["heldout_mse"]) for r in rows], label="held-out MSE")
    axis.set_xlabel("step")
    axis.legend()
    figure.tight_layout()
    atomic_write(png_path, lambda temporary: figure.savefig(temporary, format="png"))
    plt.close(figure)


def train_value(config: ValueConfig, progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Generate (or finish generating) the value data, then train (or resume) the value network."""
    out = Path(config.out)
    (out / "data").mkdir(parents=True, exist_ok=True)
    run = Run(out, {"value": asdict(config)}, LOG_FIELDS, "value.safetensors")
    device = pick_device(config.device)
    sl = load_checkpoint(config.sl, expected_kind="policy")[0].to(device).eval()
    rl = load_checkpoint(config.rl, expected_kind="policy")[0].to(device).eval()
    chunks = -(-config.games // config.lockstep)
    for chunk in range(chunks):
        path = out / "data" / f"chunk-{chunk:05d}.npz"
        if not path.exists():
            count = min(config.lockstep, config.games - chunk * config.lockstep)
            data = generate_chunk(sl, rl, count, config, device, np.random.default_rng([config.seed, chunk]))
            data["game"] += chunk * config.lockstep

            def write(temporary: str, data=data) -> None:
                with open(temporary, "wb") as handle:
                    np.savez_compressed(handle, **data)

            atomic_write(path, write)
        if progress:
            progress("games", chunk + 1, chunks)
    parts = []
    for c in range(chunks):
        with np.load(out / "data" / f"chunk-{c:05d}.npz") as chunk:
            parts.append({key: chunk[key] for key in chunk.files})
    shape = (RECORDED.planes, config.game.size, config.game.size)
    planes = np.unpackbits(np.concatenate([p["planes"] for p in parts]), axis=1)[:, : np.prod(shape)]
    planes = planes.reshape(-1, *shape).astype(np.float32)
    games = np.concatenate([p["game"] for p in parts])
    plies = np.concatenate([p["ply"] for p in parts])
    outcomes = np.concatenate([p["outcome"] for p in parts])
    held = np.random.default_rng(config.seed).random(config.games) < config.heldout_fraction
    heldout = held[games]
    net_config = config.net.network("value", RECORDED.name)
    torch.manual_seed(config.seed)
    model = build_network(net_config).to(device)
    optimizer = config.optimizer.build(model.parameters())
    networks = {"value": (model, optimizer)}
    step, _ = run.resume(networks)
    x_all = torch.from_numpy(planes)

    def predict(rows: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            model.eval()
            out_values = np.concatenate([model(x_all[rows[s:s + 1024]].to(device)).float().cpu().numpy()
                                         for s in range(0, len(rows), 1024)]) if len(rows) else np.zeros(0)
            model.train()
            return out_values

    everything = np.arange(len(outcomes))
    targets = outcomes if config.td_lambda >= 1 else lambda_targets(predict(everything), outcomes, games, plies, config.td_lambda)
    train_rows, held_rows = everything[~heldout], everything[heldout]
    if len(train_rows) == 0:
        raise ValueError("no training positions: generate more games")
    first_of_game = plies == 0  # held-out MSE on AlphaGo's one position per game, against the outcome
    rng = np.random.default_rng([config.seed, step])

    def train_step(step: int) -> float:
        batch = rng.choice(train_rows, config.optimizer.batch_size)
        planes_batch = planes[batch]
        if config.symmetries:  # a position's value is the same under the 8 symmetries of the board
            planes_batch = np.ascontiguousarray(transform_array(planes_batch, int(rng.integers(8))))
        prediction = model(torch.from_numpy(planes_batch).to(device))
        loss = F.mse_loss(prediction, torch.from_numpy(targets[batch]).to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    def report(step: int, losses: list[float]) -> dict:
        nonlocal targets
        probe = held_rows[first_of_game[held_rows]]
        heldout_mse = float(np.mean((predict(probe) - outcomes[probe]) ** 2)) if len(probe) else float("nan")
        if config.td_lambda < 1:
            targets = lambda_targets(predict(everything), outcomes, games, plies, config.td_lambda)
        return {"step": step, "train_mse": round(float(np.mean(losses)), 5), "heldout_mse": round(heldout_mse, 5),
                "positions": int(len(train_rows))}

    model.train()
    # the komi stays a top-level key: the engine believes a value network only at the komi it learned
    provenance = {"stage": "value", "sl": config.sl, "rl": config.rl, "td_lambda": config.td_lambda,
                  "komi": config.game.komi}
    return run.train(networks, step, config.steps, train_step, report, model,
                     CheckpointInfo(net_config, (config.game.size,), provenance=provenance),
                     every=(config.eval_every, config.checkpoint_every),
                     plot=lambda row: _plot(run.log_path, out / "value.png"),
                     progress=(lambda step, loss: progress("steps", step, config.steps)) if progress else None)
