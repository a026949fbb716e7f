"""Self-play records on disk: versioned ``.npz`` shards, each with a JSON sidecar, and the journal
that makes a run kill-safe.

A shard holds the positions of whole games, one row per position (P rows, S the board size,
A = S*S + 1 policy indices, pass last):

================  ==============  ===========================================================
field             shape, dtype    meaning
================  ==============  ===========================================================
``game_id``       (P,) int64      the game's number within its run
``move_number``   (P,) int16      moves played before this position
``to_move``       (P,) int8       1 Black, 2 White
``stones``        (P, S, S) int8  0 empty, 1 Black, 2 White
``planes``        (P, K) uint8    the ``feature_set``'s input planes, bit-packed (np.packbits
                                  of the (C, S, S) bool planes, C in the sidecar)
``policy``        (P, A) float32  the policy target (pruned visits or Gumbel's improved
                                  policy); sums to 1, zero off the legal moves
``full_search``   (P,) bool       a full search (playout cap randomisation): a policy target
``visits``        (P,) int32      simulations of this move's search
``winrate``       (P,) float32    the search's root win rate, side to move (0..1)
``move``          (P,) int16      the policy index played (the last position of a resigned
                                  game: the search's choice, not played: the side resigned)
``outcome``       (P,) float32    the game's result for the side to move: +1, -1, 0
``ownership``     (P, S, S) int8  final owner of each point, +1 Black, -1 White, 0 neither
``score``         (P,) float32    final margin, Black minus White, komi included
``komi``          (P,) float32    the game's komi (without handicap compensation)
================  ==============  ===========================================================

The sidecar (same name, ``.json``) holds the format version, the board size, the plane count, the
game ids and each game's rules, komi, handicap, result and resignation facts, the settings and
weights that made them, and the sha256 of the ``.npz``. A shard exists only once its sidecar does
and the hash matches: both are written atomically, the ``.npz`` first, so a killed writer leaves
at most an orphan ``.npz`` that no reader takes.

The journal: every finished game is written at once as a one-game shard under ``pending/``; every
``shard_games`` of them are merged into ``shards/shard-NNNNNN`` and the pending files removed.
Opening a run folder again drops pending games that a merged shard already holds (a kill between
the merge and the removal), so no game is lost and none is written twice.
"""
from __future__ import annotations

import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from common.files import atomic_write

FORMAT = "tengen-selfplay-shard"
VERSION = 1
FIELDS: dict[str, tuple[str, str]] = {  # name: (dtype, shape after P with S = size, A = actions, K = packed bytes)
    "game_id": ("int64", ""), "move_number": ("int16", ""), "to_move": ("int8", ""),
    "stones": ("int8", "S,S"), "planes": ("uint8", "K"), "policy": ("float32", "A"),
    "full_search": ("bool", ""), "visits": ("int32", ""), "winrate": ("float32", ""), "move": ("int16", ""),
    "outcome": ("float32", ""), "ownership": ("int8", "S,S"), "score": ("float32", ""), "komi": ("float32", ""),
}


class ShardError(ValueError):
    """A shard that cannot be read: no sidecar, another format or version, a hash or field mismatch."""


@dataclass
class GameRecord:
    """One finished self-play game: its positions (``FIELDS`` arrays) and facts for the sidecar
    (``info``: rules, komi, handicap, result, moves, resigned, would_resign, ...) and its SGF."""

    game_id: int
    arrays: dict[str, np.ndarray]
    info: dict
    sgf: bytes = b""

    @property
    def positions(self) -> int:
        return int(self.arrays["game_id"].shape[0])


def _expected_shape(spec: str, size: int, planes_bytes: int) -> tuple[int, ...]:
    dims = {"S": size, "A": size * size + 1, "K": planes_bytes}
    return tuple(dims[d] for d in spec.split(",")) if spec else ()


def check_arrays(arrays: dict[str, np.ndarray], size: int, planes_bytes: int) -> int:
    """The row count P after checking every field's presence, dtype and shape; ShardError else."""
    missing = sorted(set(FIELDS) - set(arrays))
    if missing:
        raise ShardError(f"missing fields {missing}")
    rows = int(arrays["game_id"].shape[0])
    for name, (dtype, spec) in FIELDS.items():
        array = arrays[name]
        want = (rows, *_expected_shape(spec, size, planes_bytes))
        if str(array.dtype) != dtype or array.shape != want:
            raise ShardError(f"field {name}: {array.dtype}{list(array.shape)}, expected {dtype}{list(want)}")
    return rows


def write_shard(path: Path, games: list[GameRecord], size: int, planes: int, meta: dict) -> dict:
    """Write ``games`` as one shard at ``path`` (``.npz``) and its sidecar (``.json``), both
    atomically, the sidecar last. ``planes``: input planes per position before packing;
    ``meta``: settings and weights to record. Returns the sidecar."""
    if not games:
        raise ValueError("a shard needs at least one game")
    arrays = {name: np.concatenate([g.arrays[name] for g in games]) for name in FIELDS}
    planes_bytes = (planes * size * size + 7) // 8
    rows = check_arrays(arrays, size, planes_bytes)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    data = buffer.getvalue()
    sidecar = {"format": FORMAT, "version": VERSION, "size": size, "planes": planes, "positions": rows,
               "game_ids": [g.game_id for g in games], "games": [g.info for g in games],
               "fields": {name: {"dtype": dtype, "shape": ["P", *(spec.split(",") if spec else [])]}
                          for name, (dtype, spec) in FIELDS.items()},
               "sha256": hashlib.sha256(data).hexdigest(), "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
               **meta}
    atomic_write(path.with_suffix(".npz"), lambda tmp: Path(tmp).write_bytes(data))
    text = json.dumps(sidecar, indent=1) + "\n"
    atomic_write(path.with_suffix(".json"), lambda tmp: Path(tmp).write_text(text))
    return sidecar


def read_sidecar(path: Path) -> dict:
    """The sidecar of the shard at ``path`` (either suffix), checked for format and version."""
    side = Path(path).with_suffix(".json")
    if not side.is_file():
        raise ShardError(f"{side.with_suffix('.npz')}: no sidecar {side.name} (an unfinished shard is never read)")
    try:
        sidecar = json.loads(side.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ShardError(f"{side}: unreadable sidecar ({error})") from error
    if sidecar.get("format") != FORMAT or sidecar.get("version") != VERSION:
        raise ShardError(f"{side}: format {sidecar.get('format')!r} version {sidecar.get('version')!r}, "
                         f"this reader takes {FORMAT!r} version {VERSION}")
    return sidecar


def read_shard(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, sidecar) of the shard at ``path``, every field checked; ShardError when the
    shard is unfinished, altered or of another format."""
    path = Path(path)
    sidecar = read_sidecar(path)
    data = path.with_suffix(".npz").read_bytes()
    if hashlib.sha256(data).hexdigest() != sidecar["sha256"]:
        raise ShardError(f"{path.with_suffix('.npz')}: content does not match its sidecar's sha256")
    with np.load(io.BytesIO(data)) as npz:
        arrays = {name: npz[name] for name in npz.files}
    planes_bytes = (sidecar["planes"] * sidecar["size"] ** 2 + 7) // 8
    rows = check_arrays(arrays, sidecar["size"], planes_bytes)
    if rows != sidecar["positions"]:
        raise ShardError(f"{path}: {rows} positions, the sidecar says {sidecar['positions']}")
    return arrays, sidecar


def unpack_planes(packed: np.ndarray, planes: int, size: int) -> np.ndarray:
    """(P, K) packed rows -> (P, planes, size, size) float32 input planes."""
    bits = np.unpackbits(packed, axis=1, count=planes * size * size)
    return bits.reshape(len(packed), planes, size, size).astype(np.float32)


@dataclass
class ShardStore:
    """A run folder: ``shards/`` (merged shards), ``pending/`` (finished games not yet merged),
    ``sgf/`` (one SGF per game). Safe against kills at any point (see the module docstring);
    not shared between writers except that many may :meth:`add` games of distinct ids (those
    open it with ``recover=False``: only the one merger may clean up)."""

    root: Path
    size: int
    planes: int
    meta: dict = field(default_factory=dict)
    recover_on_open: bool = True

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        for folder in ("shards", "pending", "sgf"):
            try:
                (self.root / folder).mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise OSError(f"cannot create the self-play folder {self.root / folder}: {error.strerror}") from error
        if self.recover_on_open:
            self.recover()

    @property
    def shard_dir(self) -> Path:
        return self.root / "shards"

    @property
    def pending_dir(self) -> Path:
        return self.root / "pending"

    def shard_paths(self) -> list[Path]:
        """Merged shards with their sidecars, in order."""
        return sorted(p.with_suffix(".npz") for p in self.shard_dir.glob("shard-*.json"))

    def pending_paths(self) -> list[Path]:
        return sorted(p.with_suffix(".npz") for p in self.pending_dir.glob("game-*.json"))

    def merged_ids(self) -> set[int]:
        ids: set[int] = set()
        for path in self.shard_paths():
            ids.update(read_sidecar(path)["game_ids"])
        return ids

    def pending_ids(self) -> set[int]:
        return {int(p.stem.split("-")[1]) for p in self.pending_paths()}

    def finished_ids(self) -> set[int]:
        """Every game id on disk, merged or pending."""
        return self.merged_ids() | self.pending_ids()

    def recover(self) -> None:
        """Remove what a kill left behind: pending games already merged, orphan ``.npz`` files
        without a sidecar (never read), temporaries."""
        merged = self.merged_ids()
        for path in self.pending_paths():
            if int(path.stem.split("-")[1]) in merged:
                path.unlink(missing_ok=True)
                path.with_suffix(".json").unlink(missing_ok=True)
        for folder in (self.shard_dir, self.pending_dir):
            for orphan in folder.glob("*.npz"):
                if not orphan.with_suffix(".json").exists():
                    orphan.unlink(missing_ok=True)
            for temporary in folder.glob("*.tmp"):
                temporary.unlink(missing_ok=True)

    def add(self, game: GameRecord) -> None:
        """Journal a finished game, atomically: its SGF first, then its one-game shard, which is what
        makes the game finished (a kill between the two leaves an SGF that the replayed game overwrites)."""
        if game.sgf:
            atomic_write(self.root / "sgf" / f"game-{game.game_id:08d}.sgf", lambda tmp: Path(tmp).write_bytes(game.sgf))
        write_shard(self.pending_dir / f"game-{game.game_id:08d}.npz", [game], self.size, self.planes, self.meta)

    def merge(self, minimum: int) -> Path | None:
        """Merge the pending games into the next shard when there are at least ``minimum`` of
        them (1: whatever is pending); the new shard's path, or None."""
        paths = self.pending_paths()
        if not paths or len(paths) < minimum:
            return None
        games = []
        for path in paths:
            arrays, sidecar = read_shard(path)
            games.append(GameRecord(sidecar["game_ids"][0], arrays, sidecar["games"][0]))
        existing = self.shard_paths()
        number = int(existing[-1].stem.split("-")[1]) + 1 if existing else 0
        target = self.shard_dir / f"shard-{number:06d}.npz"
        write_shard(target, games, self.size, self.planes, self.meta)
        for path in paths:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)
        return target


def read_games(root: Path) -> tuple[dict[str, np.ndarray], list[dict]]:
    """Every merged and pending position of a run folder, concatenated, and every game's facts."""
    store_paths = sorted(Path(root, "shards").glob("shard-*.json")) + sorted(Path(root, "pending").glob("game-*.json"))
    parts, games = [], []
    for side in store_paths:
        arrays, sidecar = read_shard(side.with_suffix(".npz"))
        parts.append(arrays)
        games.extend({"game_id": i, **info} for i, info in zip(sidecar["game_ids"], sidecar["games"]))
    if not parts:
        return {}, []
    return {name: np.concatenate([p[name] for p in parts]) for name in FIELDS}, games


__all__ = ["FORMAT", "VERSION", "FIELDS", "ShardError", "GameRecord", "write_shard", "read_sidecar", "read_shard",
           "unpack_planes", "ShardStore", "read_games", "check_arrays"]
