"""Self-play shards: every field, shape and dtype round-trips with its sidecar; an unfinished,
altered or foreign shard is never read; the journal survives kills and failed writes."""
from __future__ import annotations

import json

import numpy as np
import pytest

import selfplay.records as records
from selfplay.records import FIELDS, GameRecord, ShardError, ShardStore, read_games, read_shard, unpack_planes, write_shard

SIZE, PLANES = 5, 48


def make_record(game_id: int, positions: int, seed: int = 0) -> GameRecord:
    rng = np.random.default_rng([seed, game_id])
    packed = (PLANES * SIZE * SIZE + 7) // 8
    policy = rng.random((positions, SIZE * SIZE + 1)).astype(np.float32)
    arrays = {
        "game_id": np.full(positions, game_id, np.int64),
        "move_number": np.arange(positions, dtype=np.int16),
        "to_move": (np.arange(positions) % 2 + 1).astype(np.int8),
        "stones": rng.integers(0, 3, (positions, SIZE, SIZE)).astype(np.int8),
        "planes": rng.integers(0, 256, (positions, packed)).astype(np.uint8),
        "policy": policy / policy.sum(axis=1, keepdims=True),
        "full_search": rng.random(positions) < 0.25,
        "visits": rng.integers(1, 600, positions).astype(np.int32),
        "winrate": rng.random(positions).astype(np.float32),
        "move": rng.integers(0, SIZE * SIZE + 1, positions).astype(np.int16),
        "outcome": np.where(np.arange(positions) % 2 == 0, 1.0, -1.0).astype(np.float32),
        "ownership": rng.integers(-1, 2, (positions, SIZE, SIZE)).astype(np.int8),
        "score": np.full(positions, 3.5, np.float32),
        "komi": np.full(positions, 7.5, np.float32),
    }
    return GameRecord(game_id, arrays, {"komi": 7.5, "result": "B+3.5", "winner": 1, "moves": positions,
                                        "resigned": 0, "no_resign": False, "would_resign": 0}, b"(;SZ[5])")


def test_a_shard_round_trips_every_field_with_its_sidecar(tmp_path):
    games = [make_record(3, 7), make_record(8, 4)]
    sidecar = write_shard(tmp_path / "shard-000000.npz", games, SIZE, PLANES, {"settings": {"size": SIZE}})
    arrays, read_back = read_shard(tmp_path / "shard-000000.npz")
    assert set(arrays) == set(FIELDS)
    for name, (dtype, _) in FIELDS.items():
        expected = np.concatenate([g.arrays[name] for g in games])
        assert arrays[name].dtype == np.dtype(dtype) and arrays[name].shape == expected.shape
        np.testing.assert_array_equal(arrays[name], expected)
    on_disk = json.loads((tmp_path / "shard-000000.json").read_text())
    assert on_disk == read_back == sidecar
    assert on_disk["positions"] == 11 and on_disk["game_ids"] == [3, 8] and on_disk["size"] == SIZE
    assert on_disk["planes"] == PLANES and on_disk["settings"] == {"size": SIZE}
    assert on_disk["games"][0]["result"] == "B+3.5" and on_disk["version"] == records.VERSION
    assert on_disk["fields"]["stones"] == {"dtype": "int8", "shape": ["P", "S", "S"]}
    planes = unpack_planes(arrays["planes"], PLANES, SIZE)
    assert planes.shape == (11, PLANES, SIZE, SIZE)
    np.testing.assert_array_equal(np.packbits(planes.astype(bool).reshape(11, -1), axis=1), arrays["planes"])


def test_an_unfinished_altered_or_foreign_shard_is_refused(tmp_path):
    path = tmp_path / "shard-000000.npz"
    write_shard(path, [make_record(0, 3)], SIZE, PLANES, {})
    side = json.loads(path.with_suffix(".json").read_text())
    path.with_suffix(".json").unlink()
    with pytest.raises(ShardError, match="no sidecar"):
        read_shard(path)
    path.with_suffix(".json").write_text(json.dumps({**side, "version": 99}))
    with pytest.raises(ShardError, match="version 99"):
        read_shard(path)
    path.with_suffix(".json").write_text(json.dumps(side))
    data = bytearray(path.read_bytes())
    data[-30] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ShardError, match="sha256"):
        read_shard(path)


def test_a_record_with_a_wrong_shape_or_dtype_is_not_written(tmp_path):
    bad = make_record(0, 3)
    bad.arrays["policy"] = bad.arrays["policy"].astype(np.float64)
    with pytest.raises(ShardError, match="field policy"):
        write_shard(tmp_path / "shard-000000.npz", [bad], SIZE, PLANES, {})
    assert not list(tmp_path.iterdir())


def test_the_journal_merges_games_into_shards_and_loses_none(tmp_path):
    store = ShardStore(tmp_path, SIZE, PLANES)
    for game_id in range(5):
        store.add(make_record(game_id, 2 + game_id))
        store.merge(2)
    assert len(store.shard_paths()) == 2 and store.pending_ids() == {4}
    assert store.finished_ids() == set(range(5))
    assert (tmp_path / "sgf" / "game-00000004.sgf").read_bytes() == b"(;SZ[5])"
    store.merge(1)
    arrays, games = read_games(tmp_path)
    assert sorted(g["game_id"] for g in games) == list(range(5))
    assert len(arrays["game_id"]) == sum(2 + i for i in range(5))


def test_a_kill_between_merge_and_cleanup_leaves_no_duplicate(tmp_path):
    store = ShardStore(tmp_path, SIZE, PLANES)
    for game_id in range(3):
        store.add(make_record(game_id, 2))
    kept = {p.name: p.read_bytes() for p in store.pending_dir.iterdir()}
    store.merge(1)
    for name, data in kept.items():  # as if killed before the pending files were removed
        (store.pending_dir / name).write_bytes(data)
    (store.shard_dir / "shard-000001.npz").write_bytes(b"half a shard")  # and an orphan
    reopened = ShardStore(tmp_path, SIZE, PLANES)
    assert reopened.pending_ids() == set()
    assert not (store.shard_dir / "shard-000001.npz").exists()
    _, games = read_games(tmp_path)
    assert sorted(g["game_id"] for g in games) == [0, 1, 2]


def test_a_write_that_fails_mid_shard_loses_nothing(tmp_path, monkeypatch):
    store = ShardStore(tmp_path, SIZE, PLANES)
    for game_id in range(3):
        store.add(make_record(game_id, 2))
    original = records.atomic_write

    def failing(path, write):
        if "shard-" in str(path):
            def half(tmp):
                write(tmp)
                raise OSError(28, "No space left on device")
            return original(path, half)
        return original(path, write)

    monkeypatch.setattr(records, "atomic_write", failing)
    with pytest.raises(OSError, match="No space left"):
        store.merge(1)
    assert store.shard_paths() == [] and store.pending_ids() == {0, 1, 2}
    assert not list(store.shard_dir.iterdir())  # no temporary, no half shard
    monkeypatch.setattr(records, "atomic_write", original)
    store.merge(1)
    assert store.merged_ids() == {0, 1, 2}


def test_an_unwritable_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError, match="cannot create the self-play folder"):
        ShardStore(blocker / "run", SIZE, PLANES)


def test_every_refusal_says_what_and_where(tmp_path):
    import hashlib
    import io

    path = tmp_path / "shard-000000.npz"
    with pytest.raises(ValueError, match="^a shard needs at least one game$"):
        write_shard(path, [], SIZE, PLANES, {})
    write_shard(path, [make_record(0, 3)], SIZE, PLANES, {})
    side = path.with_suffix(".json")
    good = json.loads(side.read_text())
    assert side.read_text().startswith('{\n "format"') and side.read_text().endswith("}\n")  # indented, one line each
    assert good["created"][:2] == "20" and "T" in good["created"]
    side.unlink()
    with pytest.raises(ShardError, match=f"^{path}: no sidecar shard-000000.json \\(an unfinished shard is never read\\)$"):
        read_shard(path)
    side.write_text("{ broken")
    with pytest.raises(ShardError, match=f"^{side}: unreadable sidecar "):
        read_shard(path)
    side.write_text(json.dumps({**good, "format": "other"}))
    with pytest.raises(ShardError, match=f"^{side}: format 'other' version {records.VERSION}, this reader takes "):
        read_shard(path)
    side.write_text(json.dumps(good))
    data = bytearray(path.read_bytes())
    data[-30] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ShardError, match=f"^{path}: content does not match its sidecar's sha256$"):
        read_shard(path)
    # a shard whose rows differ from its sidecar's count, with a matching checksum
    arrays = {name: np.concatenate([make_record(0, 3).arrays[name]]) for name in FIELDS}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    path.write_bytes(buffer.getvalue())
    side.write_text(json.dumps({**good, "positions": 5, "sha256": hashlib.sha256(buffer.getvalue()).hexdigest()}))
    with pytest.raises(ShardError, match=f"^{path}: 3 positions, the sidecar says 5$"):
        read_shard(path)
    missing = make_record(0, 3)
    del missing.arrays["komi"]
    with pytest.raises((ShardError, KeyError)):
        write_shard(tmp_path / "other.npz", [missing], SIZE, PLANES, {})
    arrays.pop("komi")
    with pytest.raises(ShardError, match=r"missing fields \['komi'\]"):
        records.check_arrays(arrays, SIZE, (PLANES * SIZE * SIZE + 7) // 8)


def test_a_store_makes_its_three_folders_anywhere(tmp_path):
    store = ShardStore(tmp_path / "deep" / "run", SIZE, PLANES, {})
    assert sorted(p.name for p in (tmp_path / "deep" / "run").iterdir()) == ["pending", "sgf", "shards"]
    assert store.shard_paths() == [] and store.finished_ids() == set()
