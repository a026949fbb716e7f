"""Game collections to training shards, and shards back to minibatches.

Sources: SGF files in a folder (searched recursively), a ``.zip`` or a ``.tar.gz`` of them (KGS and
GoGoD archives come this way). Games are filtered (board size, handicap, ranks, a result) and bad
records are skipped and counted with their reason. Every position of every kept game becomes one
example: its input planes (bit-packed), the move played (policy index), the side to move and the
game's outcome from that side's view. Games, never positions, are split between ``train`` and
``heldout``. Shards are ``.npz`` files written atomically, described by ``dataset.json``:

``{"format": "tengen-shards", "format_version": 1, "feature_set": ..., "planes": ..., "size": ...,
"games": {...}, "positions": {...}, "skipped": {...}, "shards": {"train": [...], "heldout": [...]}}``
"""
from __future__ import annotations

import json
import re
import tarfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from gogame.board_nb import BLACK
from gogame.coords import to_policy_index
from gogame.features import feature_set
from gogame.sgf import SGFError, read_sgf, record_to_game, replay
from gogame.rules import Rules
from common.files import atomic_write

FORMAT_NAME = "tengen-shards"
FORMAT_VERSION = 1


class DatasetError(ValueError):
    """A shard folder that is missing, of another format, or does not match what is asked."""


@dataclass(frozen=True)
class ShardConfig:
    """Which games to keep and how to store them."""

    size: int = 9
    feature_set: str = "alphago48"
    max_handicap: int = 0
    min_rank: str | None = None  # e.g. "1d": both players at least this strong, when ranks are given
    require_result: bool = True
    heldout_fraction: float = 0.05
    shard_positions: int = 50_000
    seed: int = 0


def iter_sgf_sources(sources: list[str | Path]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every SGF in folders, .zip and .tar.gz archives, or plain files."""
    for source in map(Path, sources):
        if source.is_dir():
            for path in sorted(source.rglob("*.sgf")):
                yield str(path), path.read_bytes()
        elif source.suffix == ".zip":
            with zipfile.ZipFile(source) as archive:
                for name in sorted(archive.namelist()):
                    if name.lower().endswith(".sgf"):
                        yield f"{source}:{name}", archive.read(name)
        elif source.name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(source, "r:gz") as archive:
                for member in archive:
                    if member.isfile() and member.name.lower().endswith(".sgf"):
                        yield f"{source}:{member.name}", archive.extractfile(member).read()
        elif source.is_file():
            yield str(source), source.read_bytes()
        else:
            raise DatasetError(f"{source}: no such folder, archive or SGF file")


_RANK = re.compile(r"^(\d+)\s*([kdp])", re.IGNORECASE)


def rank_value(rank: str) -> int | None:
    """'5k' -> -5, '1d' -> 1, '3p' -> 13; None when unreadable."""
    match = _RANK.match(rank.strip())
    if not match:
        return None
    number, kind = int(match.group(1)), match.group(2).lower()
    return -number if kind == "k" else (number if kind == "d" else 10 + number)


def _outcome(result: str) -> int:
    """+1 Black won, -1 White won, 0 unknown or a draw."""
    head = result.strip().upper()
    return 1 if head.startswith("B+") else (-1 if head.startswith("W+") else 0)


def game_examples(record, features) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Planes (bit-packed), move indices, sides to move and outcomes (side to move's view) of
    every position of a replayed record."""
    outcome = _outcome(record.result)
    planes, moves, colors, outcomes = [], [], [], []
    for game, color, pt in replay(record, Rules(ko="simple")):
        game.to_move = color
        planes.append(np.packbits(features.extract(game).astype(bool)))
        moves.append(to_policy_index(pt, record.size))
        colors.append(color)
        outcomes.append(outcome if color == BLACK else -outcome)
    if not moves:
        return (np.zeros((0, 0), np.uint8),) + tuple(np.zeros(0, np.int16) for _ in range(3))
    return np.stack(planes), np.array(moves, np.int16), np.array(colors, np.int8), np.array(outcomes, np.int8)


@dataclass
class _ShardWriter:
    out: Path
    split: str
    limit: int
    names: list[str] = field(default_factory=list)
    buffers: list[tuple] = field(default_factory=list)
    pending: int = 0
    positions: int = 0

    def add(self, arrays: tuple) -> None:
        self.buffers.append(arrays)
        self.pending += len(arrays[1])
        self.positions += len(arrays[1])
        if self.pending >= self.limit:
            self.flush()

    def flush(self) -> None:
        if not self.buffers:
            return
        planes, moves, colors, outcomes = (np.concatenate([b[i] for b in self.buffers]) for i in range(4))
        name = f"{self.split}-{len(self.names):05d}.npz"

        def write(temporary: str) -> None:
            with open(temporary, "wb") as handle:
                np.savez_compressed(handle, planes=planes, moves=moves, colors=colors, outcomes=outcomes)

        atomic_write(self.out / name, write)
        self.names.append(name)
        self.buffers, self.pending = [], 0


def build_shards(sources: list[str | Path], out: str | Path, config: ShardConfig = ShardConfig()) -> dict:
    """Convert the games of ``sources`` into shards in ``out``; returns the sidecar dict."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    features = feature_set(config.feature_set)
    rng = np.random.default_rng(config.seed)
    writers = {split: _ShardWriter(out, split, config.shard_positions) for split in ("train", "heldout")}
    games = Counter()
    skipped = Counter()
    minimum = rank_value(config.min_rank) if config.min_rank else None
    heldout_names: list[str] = []
    for name, data in iter_sgf_sources(sources):
        try:
            record = read_sgf(data, source=name)
            record_to_game(record, Rules(ko="simple"), source=name)  # every move legal
        except SGFError as error:
            skipped[error.reason.split(":")[0][:60]] += 1
            continue
        if record.size != config.size:
            skipped["other board size"] += 1
            continue
        if record.handicap > config.max_handicap:
            skipped["handicap"] += 1
            continue
        if config.require_result and _outcome(record.result) == 0:
            skipped["no result"] += 1
            continue
        if minimum is not None:
            ranks = [v for v in (rank_value(r) for r in (record.black_rank, record.white_rank) if r) if v is not None]
            if ranks and min(ranks) < minimum:  # an unreadable rank counts as not given
                skipped["rank"] += 1
                continue
        arrays = game_examples(record, features)
        if len(arrays[1]) == 0:
            skipped["no moves"] += 1
            continue
        split = "heldout" if rng.random() < config.heldout_fraction else "train"
        writers[split].add(arrays)
        games[split] += 1
        if split == "heldout":
            heldout_names.append(name)
    for writer in writers.values():
        writer.flush()
    sidecar = {
        "format": FORMAT_NAME, "format_version": FORMAT_VERSION, "feature_set": features.name, "planes": features.planes,
        "size": config.size, "games": dict(games), "positions": {s: w.positions for s, w in writers.items()},
        "skipped": dict(skipped), "shards": {s: w.names for s, w in writers.items()}, "config": config.__dict__,
        "sources": [str(Path(s).resolve()) for s in sources], "heldout_games": heldout_names,
    }
    atomic_write(out / "dataset.json", lambda temporary: Path(temporary).write_text(json.dumps(sidecar, indent=2)))
    return sidecar


def iter_games(folder: str | Path, split: str):
    """The replayed games (GameRecord) of ``split`` from the sources the shards were made of;
    used where boards, not planes, are needed (the fast rollout policy)."""
    sidecar = read_sidecar(folder)
    held = set(sidecar.get("heldout_games", []))
    size = sidecar["size"]
    for name, data in iter_sgf_sources(sidecar.get("sources", [])):
        if (name in held) != (split == "heldout"):
            continue
        try:
            record = read_sgf(data, source=name)
            record_to_game(record, Rules(ko="simple"), source=name)
        except SGFError:
            continue
        if record.size == size and record.moves:
            yield record


@dataclass
class Examples:
    """Decoded examples: planes (N, C, H, W) float32, moves (N,), outcomes (N,) side to move's view."""

    planes: np.ndarray
    moves: np.ndarray
    outcomes: np.ndarray


def read_sidecar(folder: str | Path, feature_set_name: str | None = None) -> dict:
    """The checked ``dataset.json`` of a shard folder."""
    path = Path(folder) / "dataset.json"
    if not path.is_file():
        raise DatasetError(f"{folder}: no dataset.json (make shards with tengen data shards)")
    try:
        sidecar = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise DatasetError(f"{path}: not valid JSON ({error})") from None
    if sidecar.get("format") != FORMAT_NAME or sidecar.get("format_version") != FORMAT_VERSION:
        raise DatasetError(f"{path}: shard format {sidecar.get('format')!r} version {sidecar.get('format_version')}, "
                           f"this Tengen reads {FORMAT_NAME} version {FORMAT_VERSION}")
    if feature_set_name is not None and sidecar["feature_set"] != feature_set_name:
        raise DatasetError(f"{path}: shards hold feature set {sidecar['feature_set']!r}, not {feature_set_name!r}")
    return sidecar


def load_split(folder: str | Path, split: str, feature_set_name: str | None = None) -> Examples:
    """All examples of ``split`` (``train`` or ``heldout``) in memory, planes unpacked."""
    sidecar = read_sidecar(folder, feature_set_name)
    planes, moves, outcomes = [], [], []
    shape = (sidecar["planes"], sidecar["size"], sidecar["size"])
    count = shape[0] * shape[1] * shape[2]
    for name in sidecar["shards"][split]:
        try:
            with np.load(Path(folder) / name) as shard:
                packed = shard["planes"]
                planes.append(np.unpackbits(packed, axis=1)[:, :count].reshape((-1,) + shape).astype(np.float32))
                moves.append(shard["moves"].astype(np.int64))
                outcomes.append(shard["outcomes"].astype(np.float32))
        except (OSError, ValueError, KeyError) as error:
            raise DatasetError(f"{Path(folder) / name}: unreadable shard ({error})") from None
    if not moves:
        return Examples(np.zeros((0,) + shape, np.float32), np.zeros(0, np.int64), np.zeros(0, np.float32))
    return Examples(np.concatenate(planes), np.concatenate(moves), np.concatenate(outcomes))


