"""The self-improvement loop (AlphaGo Zero, KataGo): self-play with the current network makes
games (:mod:`selfplay`), the learner trains the four-headed network (:class:`nets.models.ZeroNet`)
on a sliding window of the most recent positions, and the new network plays the next games.

One machine, one process, generation by generation: ``games_per_generation`` self-play games
(``selfplay`` settings, ``threads`` workers), then at most ``steps_per_generation`` SGD steps,
never training more than ``max_reuse`` samples per position the run has produced (KataGo keeps
about four), then the network is published as ``generations/gen-NNNN.safetensors`` and as
``network.safetensors``, which the next generation plays with.

The run folder (``out``) holds ``config.json``, ``selfplay/`` (the self-play run, resumable on its
own), ``network.safetensors``, ``training-state.safetensors`` (weights, momentum, step and the
loop's counters), ``log.csv`` (one row per generation) and ``generations/``. Killed anywhere, it
resumes: finished games stay in ``selfplay/``; a generation whose training was cut short trains
again from the last saved state, so no sample is counted twice and the reuse bound holds.

After each generation from the second on, ``evaluation.games`` games against the generation
before (:mod:`selfplay.arena`) feed a rating fit over every game so far (:mod:`selfplay.ratings`):
``ratings.jsonl``, ``elo.csv`` and ``elo.png``; ``losses.png`` plots each head's loss by generation.

Losses, per position (from the side to move's view): policy cross-entropy against the search's
target, on full searches only (playout cap randomisation); value cross-entropy over win, loss,
draw; ownership mean squared error per point; score Gaussian negative log-likelihood (mean and
spread), each times its ``weights`` entry. Every sample is seen under a random one of the 8
symmetries.
"""
from __future__ import annotations

import csv
import json
import time
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from common.files import atomic_write
from gogame.board_nb import BLACK
from gogame.symmetry import policy_index_map, transform_array
from nets.checkpoint import CheckpointInfo, load_checkpoint, save_checkpoint
from nets.config import NetConfig
from nets.models import build_network
from nets.torch_evaluator import TorchEvaluator
from selfplay.arena import ArenaConfig, play_arena
from selfplay.config import GameSetup, PlayoutCap, Resignation, SelfPlayConfig
from selfplay.ratings import fit_ratings
from selfplay.records import read_games, unpack_planes
from selfplay.run import run_selfplay

from .run import Run, continue_log
from .sections import MinibatchSGD
from .state import load_training_state, save_training_state

COLUMNS = ["generation", "step", "games", "positions", "window", "samples_trained", "reuse", "policy_loss",
           "value_loss", "ownership_loss", "score_loss", "selfplay_seconds", "train_seconds", "seconds"]


@dataclass(frozen=True)
class ZeroShape:
    """The four-headed network's shape: ``blocks`` residual blocks of ``filters`` filters (every
    second with global pooling), ``value_hidden`` units in the value and score heads."""

    filters: int = 32
    blocks: int = 4
    value_hidden: int = 64

    def __post_init__(self) -> None:
        if self.filters < 1 or self.blocks < 1 or self.value_hidden < 1:
            raise ValueError(f"network sizes must be positive: {self}")

    def network(self) -> NetConfig:
        return NetConfig(kind="zero", feature_set="zero50", filters=self.filters, blocks=self.blocks,
                         value_hidden=self.value_hidden)


@dataclass(frozen=True)
class HeadWeights:
    """Each head's weight in the loss."""

    policy: float = 1.0
    value: float = 1.0
    ownership: float = 1.0
    score: float = 0.05

    def __post_init__(self) -> None:
        if min(self.policy, self.value, self.ownership, self.score) < 0:
            raise ValueError(f"head weights must be at least 0: {self}")


@dataclass(frozen=True)
class Evaluation:
    """After each generation from the second on, ``games`` games at ``visits`` a move (the
    self-play board and mean komi, ``opening_moves`` random moves first): against the generation
    before, and half of them against the one ``older`` generations before (or the first; 0:
    neighbours only); every generation's Elo is then fitted over all games so far (``elo.csv``,
    ``elo.png``). ``games`` 0: no evaluation."""

    games: int = 20
    visits: int = 64
    opening_moves: int = 2
    older: int = 5

    def __post_init__(self) -> None:
        if self.games < 0 or self.visits < 1 or self.opening_moves < 0 or self.older < 0:
            raise ValueError(f"bad evaluation settings: {self}")


ZERO_SELFPLAY = SelfPlayConfig(size=9, playouts=PlayoutCap(full_visits=200, cheap_visits=50, full_fraction=0.25),
                               game=GameSetup(komi_mean=7.0, komi_stdev=1.0), resign=Resignation(),
                               feature_set="zero50", games_per_thread=8, shard_games=32)


@dataclass(frozen=True)
class ZeroConfig:
    """``out``: the run folder; ``generations`` to reach; ``games_per_generation`` self-play
    games each; ``steps_per_generation``: at most this many SGD steps each, fewer when
    ``max_reuse`` (samples trained per position produced, over the whole run) would be passed;
    ``window``: the most recent positions trained on; ``threads``: self-play workers (threads,
    or Ray actors with ``ray``); ``device``: where the network trains and plays; ``init``: a zero
    checkpoint to start from (none: fresh weights); ``ray``: a Ray cluster's ``HOST:PORT``,
    ``auto`` or ``local`` for self-play on actors (:mod:`selfplay.ray_cluster`: the actors stay
    up, each generation's network is published to them once), none: threads here."""

    out: str = "runs/zero"
    generations: int = 20
    games_per_generation: int = 64
    steps_per_generation: int = 200
    window: int = 100_000
    max_reuse: float = 4.0
    threads: int = 1
    device: str = "auto"
    init: str | None = None
    ray: str | None = None
    seed: int = 0
    net: ZeroShape = ZeroShape()
    optimizer: MinibatchSGD = MinibatchSGD(learning_rate=0.02, momentum=0.9, weight_decay=1e-4, batch_size=128)
    weights: HeadWeights = HeadWeights()
    evaluation: Evaluation = Evaluation()
    selfplay: SelfPlayConfig = ZERO_SELFPLAY

    def __post_init__(self) -> None:
        if self.generations < 1 or self.games_per_generation < 1 or self.steps_per_generation < 0:
            raise ValueError("generations and games_per_generation must be at least 1, steps_per_generation at least 0")
        if self.window < 1 or self.max_reuse <= 0 or self.threads < 1:
            raise ValueError("window and threads must be at least 1 and max_reuse positive")
        if self.selfplay.feature_set != "zero50":
            raise ValueError("the loop's network reads zero50: selfplay.feature_set must be zero50")


def training_batch(arrays: dict[str, np.ndarray], rows: np.ndarray, size: int, rng: np.random.Generator) -> dict:
    """Tensors for ``rows`` of shard ``arrays``, each row under a random symmetry: planes, the
    policy target and its mask (full searches), the value class (0 win, 1 loss, 2 draw), the
    ownership (+1 the side to move) and the score (the side to move's margin)."""
    planes = unpack_planes(arrays["planes"][rows], 50, size)
    policy = arrays["policy"][rows].copy()
    ownership = arrays["ownership"][rows].astype(np.float32)
    sign = np.where(arrays["to_move"][rows] == BLACK, 1.0, -1.0).astype(np.float32)
    ownership *= sign[:, None, None]
    symmetries = rng.integers(8, size=len(rows))
    for k in range(1, 8):  # the rows of each symmetry together
        chosen = np.flatnonzero(symmetries == k)
        if len(chosen):
            planes[chosen] = transform_array(planes[chosen], k)
            ownership[chosen] = transform_array(ownership[chosen], k)
            moved = np.empty_like(policy[chosen])
            moved[:, policy_index_map(size, k)] = policy[chosen]
            policy[chosen] = moved
    outcome = arrays["outcome"][rows]
    value_class = np.where(outcome > 0, 0, np.where(outcome < 0, 1, 2))
    return {"planes": torch.from_numpy(np.ascontiguousarray(planes)), "policy": torch.from_numpy(policy),
            "policy_mask": torch.from_numpy(arrays["full_search"][rows].astype(np.float32)),
            "value": torch.from_numpy(value_class.astype(np.int64)),
            "ownership": torch.from_numpy(np.ascontiguousarray(ownership)),
            "score": torch.from_numpy(arrays["score"][rows] * sign)}


def zero_losses(heads: dict[str, torch.Tensor], batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Each head's mean loss over the batch (the policy's over its full-search rows)."""
    log_policy = F.log_softmax(heads["policy"], dim=1)
    per_row = -(batch["policy"] * log_policy).sum(dim=1)
    mask = batch["policy_mask"]
    policy = (per_row * mask).sum() / mask.sum().clamp(min=1.0)
    value = F.cross_entropy(heads["value"], batch["value"])
    ownership = ((heads["ownership"] - batch["ownership"]) ** 2).mean()
    mean, log_spread = heads["score"][:, 0], heads["score"][:, 1].clamp(-5, 8)
    score = (0.5 * ((batch["score"] - mean) / log_spread.exp()) ** 2 + log_spread).mean()
    return {"policy": policy, "value": value, "ownership": ownership, "score": score}


def run_zero(config: ZeroConfig, progress: Callable[[str, dict], None] | None = None) -> dict:
    """Run (or resume) the loop to ``config.generations``; the last log row."""
    out = Path(config.out)
    net_config = config.net.network()
    settings = asdict(config)
    run = Run(out, settings, COLUMNS, "network.safetensors", key="generation", same=("net",))
    torch.manual_seed(config.seed)
    model = build_network(net_config)
    if config.init:
        start, _ = load_checkpoint(config.init)
        if start.config != net_config:
            raise ValueError(f"{config.init}: a {start.config} network, the loop trains {net_config}")
        model.load_state_dict(start.state_dict())
    optimizer = config.optimizer.build(model.parameters())
    parts = {"zero": (model, optimizer)}
    step, extra = (0, {})
    if run.state_path.exists():
        step, extra = load_training_state(run.state_path, parts)
    generation = int(extra.get("generation", 0))
    continue_log(run.log_path, COLUMNS, "generation", generation)
    samples_trained = int(extra.get("samples_trained", 0))
    info = CheckpointInfo(net_config, (config.selfplay.size,), step,
                          {"stage": "zero", "komi_range": [config.selfplay.game.komi_mean - 3 * config.selfplay.game.komi_stdev,
                                                           config.selfplay.game.komi_mean + 3 * config.selfplay.game.komi_stdev]})
    if not run.network_path.exists():
        save_checkpoint(run.network_path, model, info)
    rng = np.random.default_rng([config.seed, generation])
    row: dict = {}
    ray_driver = None
    while generation < config.generations:
        started = time.perf_counter()
        model.eval()
        evaluator = TorchEvaluator(build_network(net_config), device=config.device, symmetry="random",
                                   seed=config.seed + generation)
        evaluator.policy.load_state_dict(model.state_dict())
        evaluator.policy.eval()
        games_target = (generation + 1) * config.games_per_generation
        selfplay = replace(config.selfplay, seed=config.seed)
        on_game = (lambda gid, n, done: progress("game", {"generation": generation, "games": done,
                                                           "of": games_target})) if progress else None
        if config.ray:
            # the network the games are played with, as the state holds it (network.safetensors
            # may be a generation ahead after a kill between its write and the state's)
            playing = out / "selfplay-network.safetensors"
            save_checkpoint(playing, model, info)
            if ray_driver is None:
                from selfplay.ray_cluster import RaySelfPlay, connect

                connect(config.ray, config.threads, 256 * 1024 * 1024)
                ray_driver = RaySelfPlay(selfplay, out / "selfplay", games_target, config.threads,
                                         partial(zero_evaluator_from, device=config.device, seed=config.seed),
                                         {"policy": str(playing)}, {"generation": generation}, on_game=on_game)
            else:
                ray_driver.publish({"policy": str(playing)})
            ray_driver.run(games_target)
        else:
            training_threads = torch.get_num_threads()
            if config.threads > 1:
                torch.set_num_threads(1)  # each worker thread calls the network on its own core
            try:
                run_selfplay(selfplay, evaluator, out / "selfplay", games_target, config.threads,
                             meta={"generation": generation}, on_game=on_game)
            finally:
                torch.set_num_threads(training_threads)
        selfplay_seconds = time.perf_counter() - started
        arrays, games = read_games(out / "selfplay")
        total = len(arrays["game_id"])
        window_rows = np.argsort(arrays["game_id"], kind="stable")[-config.window:]
        budget = int(config.max_reuse * total) - samples_trained
        steps = max(0, min(config.steps_per_generation, budget // config.optimizer.batch_size))
        model.train()
        losses = {name: [] for name in ("policy", "value", "ownership", "score")}
        train_started = time.perf_counter()
        for index in range(steps):
            rows = rng.choice(window_rows, size=config.optimizer.batch_size, replace=True)
            batch = training_batch(arrays, rows, config.selfplay.size, rng)
            heads = model(batch["planes"])
            parts_loss = zero_losses(heads, batch)
            loss = sum(getattr(config.weights, name) * value for name, value in parts_loss.items())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            samples_trained += config.optimizer.batch_size
            for name, value in parts_loss.items():
                losses[name].append(value.item())
            if progress:
                progress("step", {"generation": generation, "step": index + 1, "of": steps, "loss": loss.item()})
        model.eval()
        generation += 1
        info = replace(info, step=step)
        save_checkpoint(generation_path(out, generation), model, info)
        save_checkpoint(run.network_path, model, info)
        row = {"generation": generation, "step": step, "games": len(games), "positions": total,
               "window": len(window_rows), "samples_trained": samples_trained,
               "reuse": round(samples_trained / max(total, 1), 3),
               **{f"{name}_loss": round(float(np.mean(v)), 4) if v else "" for name, v in losses.items()},
               "selfplay_seconds": round(selfplay_seconds, 1),
               "train_seconds": round(time.perf_counter() - train_started, 1),
               "seconds": round(time.perf_counter() - started, 1)}
        # the row first, then the state: a kill between them leaves a row that the resumed run drops
        with run.log_path.open("a", newline="") as handle:
            csv.DictWriter(handle, COLUMNS).writerow(row)
        save_training_state(run.state_path, parts, step, {"generation": generation, "samples_trained": samples_trained})
        plot_losses(run.log_path, out / "losses.png")
        if progress:
            progress("generation", row)
        evaluate_generations(out, config, generation, progress)
    evaluate_generations(out, config, generation, progress)  # one cut short by a kill
    return row


def zero_evaluator_from(files: dict[str, str], device: str = "auto", seed: int = 0):
    """(evaluator, no rollout weights) of the zero network in ``files["policy"]``: what each Ray
    actor of the loop plays with (module-level, so that Ray can ship it)."""
    network, _ = load_checkpoint(files["policy"])
    return TorchEvaluator(network, device=device, symmetry="random", seed=seed), None


def generation_path(out: Path, generation: int) -> Path:
    return out / "generations" / f"gen-{generation:04d}.safetensors"


def evaluation_opponents(generation: int, evaluation: Evaluation) -> list[tuple[int, int]]:
    """(opponent, games) of ``generation``'s evaluation: the generation before, and with
    ``evaluation.older`` the one that many before (or the first) for half of the games, so that
    the ratings do not rest on a chain of neighbours only (its intervals widen down the chain)."""
    older = max(1, generation - evaluation.older) if evaluation.older else generation - 1
    if older >= generation - 1 or evaluation.games < 2:
        return [(generation - 1, evaluation.games)]
    half = evaluation.games // 2
    return [(generation - 1, evaluation.games - half), (older, half)]


def evaluate_generations(out: Path, config: ZeroConfig, upto: int,
                         progress: Callable[[str, dict], None] | None = None) -> dict[int, tuple[float, float, float]]:
    """Play the evaluation games that generations 2..``upto`` lack against their predecessors
    (``ratings.jsonl``, rewritten atomically after each), then fit every generation's Elo over
    all of them (generation 1 at 0) into ``elo.csv`` and ``elo.png``; the fit."""
    if config.evaluation.games == 0 or upto < 2:
        return {}
    path = out / "ratings.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    done = {(r["generation"], r["opponent"]) for r in records}
    arena = ArenaConfig(games=config.evaluation.games, visits=config.evaluation.visits, size=config.selfplay.size,
                        komi=config.selfplay.game.komi_mean, opening_moves=config.evaluation.opening_moves,
                        max_moves=config.selfplay.max_moves, ownership_playouts=config.selfplay.ownership_playouts,
                        seed=config.seed)
    for generation in range(2, upto + 1):
        for opponent, games in evaluation_opponents(generation, config.evaluation):
            if (generation, opponent) in done:
                continue
            players = []
            for g in (generation, opponent):
                network, _ = load_checkpoint(generation_path(out, g))
                players.append(TorchEvaluator(network, device=config.device, symmetry="random", cache_size=0,
                                              seed=config.seed + g))
            scores = play_arena(players[0], players[1], replace(arena, games=games,
                                                                seed=config.seed + 1000 * generation + opponent))
            records.append({"generation": generation, "opponent": opponent, "scores": scores})
            text = "".join(json.dumps(r) + "\n" for r in records)
            atomic_write(path, lambda tmp: Path(tmp).write_text(text))
            if progress:
                progress("evaluation", {"generation": generation, "opponent": opponent,
                                        "score": sum(scores) / len(scores)})
    names = [f"gen-{g:04d}" for g in range(1, upto + 1)]
    games = [(f"gen-{r['generation']:04d}", f"gen-{r['opponent']:04d}", score) for r in records
             if r["generation"] <= upto for score in r["scores"]]
    fitted = fit_ratings(names, games)
    ratings = {int(name[4:]): value for name, value in fitted.items()}
    lines = ["generation,elo,low95,high95"] + [f"{g},{e:.1f},{lo:.1f},{hi:.1f}" for g, (e, lo, hi) in sorted(ratings.items())]
    atomic_write(out / "elo.csv", lambda tmp: Path(tmp).write_text("\n".join(lines) + "\n"))
    plot_elo(ratings, out / "elo.png")
    return ratings


def plot_elo(ratings: dict[int, tuple[float, float, float]], png: Path) -> None:
    """Elo by generation with 95% intervals (generation 1 at 0)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    generations = sorted(ratings)
    elo = [ratings[g][0] for g in generations]
    figure, axes = plt.subplots(figsize=(7, 3.8))
    axes.errorbar(generations, elo, yerr=[[ratings[g][0] - ratings[g][1] for g in generations],
                                          [ratings[g][2] - ratings[g][0] for g in generations]],
                  marker="o", capsize=3)
    axes.set_xlabel("generation")
    axes.set_ylabel("Elo (generation 1 = 0)")
    axes.set_title("tengen train zero: Elo by generation, 95% intervals")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    atomic_write(png, lambda tmp: figure.savefig(tmp, dpi=100, format="png"))
    plt.close(figure)


def plot_losses(log_path: Path, png: Path) -> None:
    """Each head's training loss by generation, from ``log.csv``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in csv.DictReader(log_path.open()) if r["policy_loss"]]
    if not rows:
        return
    figure, axes = plt.subplots(figsize=(7, 3.8))
    for head in ("policy", "value", "ownership", "score"):
        axes.plot([int(r["generation"]) for r in rows], [float(r[f"{head}_loss"]) for r in rows], marker=".",
                  label=head)
    axes.set_xlabel("generation")
    axes.set_ylabel("training loss")
    axes.set_title("tengen train zero: losses by generation")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    atomic_write(png, lambda tmp: figure.savefig(tmp, dpi=100, format="png"))
    plt.close(figure)


__all__ = ["ZeroConfig", "ZeroShape", "HeadWeights", "Evaluation", "ZERO_SELFPLAY", "run_zero", "training_batch",
           "zero_losses", "evaluate_generations", "evaluation_opponents", "plot_elo", "plot_losses", "zero_evaluator_from"]
