"""Game collections to shards: which games are kept and why the others are skipped (board size,
handicap, no result, ranks, no moves, bad records), the examples each kept game gives, the SGF
sources read (folders, .zip, .tar.gz, single files), and the checks on a shard folder."""
from __future__ import annotations

import io
import json
import tarfile
import zipfile

import numpy as np
import pytest

from gogame.board_nb import BLACK, WHITE
from gogame.coords import to_policy_index
from gogame.features import feature_set
from gogame.rules import Rules
from gogame.sgf import read_sgf, start_position
from training.dataset import (DatasetError, ShardConfig, build_shards, game_examples, iter_games, iter_sgf_sources,
                              load_split, rank_value, read_sidecar)

MOVES = ";B[cc];W[bb];B[dd];W[];B[]"  # five moves on 5x5: the last two passes


def sgf(root: str = "", moves: str = MOVES, size: int = 5, result: str | None = "B+3.5") -> bytes:
    result_property = f"RE[{result}]" if result is not None else ""
    return f"(;GM[1]FF[4]SZ[{size}]KM[0.5]{result_property}{root}{moves})".encode()


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "games"
    (folder / "deeper" / "still").mkdir(parents=True)
    files = {
        "kept.sgf": sgf(),
        "deeper/white-won.sgf": sgf(result="W+R"),
        "deeper/still/strong.sgf": sgf("BR[3d]WR[1d]"),
        "unreadable-ranks.sgf": sgf("BR[?]WR[pro?]"),  # unknown ranks count as not given
        "nine.sgf": sgf(size=9),
        "handicap.sgf": sgf("HA[2]AB[bb][dd]", ";W[cc];B[bd]"),
        "unfinished.sgf": sgf(result=None),
        "void.sgf": sgf(result="Void"),
        "weak.sgf": sgf("BR[2k]WR[3d]"),
        "empty.sgf": sgf(moves=""),
        "illegal.sgf": sgf(moves=";B[cc];W[cc]"),
        "notes.txt": b"not a game",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_games_are_kept_or_skipped_with_their_reason(collection, tmp_path):
    out = tmp_path / "nested" / "shards"  # made with its parents
    sidecar = build_shards([collection], out, ShardConfig(size=5, min_rank="1d", heldout_fraction=0.0))
    assert sidecar["games"] == {"train": 4}
    assert sidecar["positions"] == {"train": 20, "heldout": 0}
    skipped = dict(sidecar["skipped"])
    assert skipped.pop("other board size") == 1 and skipped.pop("handicap") == 1 and skipped.pop("rank") == 1
    assert skipped.pop("no result") == 2 and skipped.pop("no moves") == 1
    assert len(skipped) == 1 and list(skipped.values()) == [1] and "illegal" in list(skipped)[0]  # the bad record
    assert read_sidecar(out) == json.loads((out / "dataset.json").read_text())
    assert sidecar["shards"] == {"train": ["train-00000.npz"], "heldout": []}
    assert len(load_split(out, "train").moves) == 20 and len(load_split(out, "heldout").moves) == 0


def test_what_each_filter_lets_through(collection, tmp_path):
    lenient = build_shards([collection], tmp_path / "all", ShardConfig(size=5, max_handicap=2, require_result=False,
                                                                       heldout_fraction=0.0))
    assert lenient["games"] == {"train": 8}  # no rank filter; handicap 2, no or void results allowed
    skipped = dict(lenient["skipped"])
    assert skipped.pop("other board size") == 1 and skipped.pop("no moves") == 1 and list(skipped.values()) == [1]
    nine = build_shards([collection], tmp_path / "nine", ShardConfig(size=9, heldout_fraction=0.0))
    assert nine["games"] == {"train": 1} and nine["skipped"]["other board size"] == 9  # all but the bad record


def test_every_position_of_a_game_is_one_example():
    record = read_sgf(sgf("", ";B[cc];W[bb];B[bc];W[cb];B[]"), source="g")
    features = feature_set("alphago48")
    planes, moves, colors, outcomes = game_examples(record, features)
    assert moves.tolist() == [to_policy_index(pt, 5) for _, pt in record.moves] and moves[-1] == 25
    assert colors.tolist() == [BLACK, WHITE, BLACK, WHITE, BLACK]
    assert outcomes.tolist() == [1, -1, 1, -1, 1]  # Black won: +1 when Black is to move
    game = start_position(record, Rules(ko="simple"))
    for i, (color, pt) in enumerate(record.moves):
        expected = features.extract(game).astype(bool)
        assert np.array_equal(np.unpackbits(planes[i])[:expected.size].reshape(expected.shape), expected), i
        game.play(pt, color)
    white = game_examples(read_sgf(sgf(result="W+0.5"), source="w"), features)[3]
    assert white.tolist() == [-1, 1, -1, 1, -1]
    unknown = game_examples(read_sgf(sgf(result="?"), source="u"), features)[3]
    assert unknown.tolist() == [0] * 5


def test_a_game_without_moves_gives_no_examples():
    arrays = game_examples(read_sgf(sgf(moves=""), source="empty"), feature_set("alphago48"))
    assert len(arrays) == 4 and [len(a) for a in arrays] == [0, 0, 0, 0]


def test_sgf_sources_folders_archives_and_files(collection, tmp_path):
    zipped = tmp_path / "games.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("b/second.SGF", sgf())
        archive.writestr("a/first.sgf", sgf(result="W+R"))
        archive.writestr("readme.txt", b"no")
    packed = tmp_path / "games.tar.gz"
    with tarfile.open(packed, "w:gz") as archive:
        for name, data in (("x/one.sgf", sgf()), ("x/notes.txt", b"no")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    single = collection / "kept.sgf"
    names = [name for name, _ in iter_sgf_sources([zipped, packed, single])]
    assert names == [f"{zipped}:a/first.sgf", f"{zipped}:b/second.SGF", f"{packed}:x/one.sgf", str(single)]
    contents = dict(iter_sgf_sources([zipped, packed, str(single)]))
    assert contents[f"{zipped}:a/first.sgf"] == sgf(result="W+R") and contents[str(single)] == sgf()
    in_folder = [name for name, _ in iter_sgf_sources([collection])]
    assert len(in_folder) == 11 and str(collection / "deeper" / "still" / "strong.sgf") in in_folder
    assert in_folder == sorted(in_folder)
    with pytest.raises(DatasetError, match="missing: no such folder, archive or SGF file"):
        list(iter_sgf_sources([tmp_path / "missing"]))


def test_ranks():
    assert [rank_value(r) for r in ("30k", "1k", "1d", "7d", "1p", "9p")] == [-30, -1, 1, 7, 11, 19]
    assert [rank_value(r) for r in (" 4 D ", "2K?", "5d*")] == [4, -2, 5]
    assert [rank_value(r) for r in ("", "?", "pro", "k5")] == [None] * 4


def test_games_split_between_train_and_heldout_replay_from_their_sources(tmp_path):
    folder = tmp_path / "games"
    folder.mkdir()
    for i, moves in enumerate([";B[aa];W[ee]", ";B[bb];W[dd]", ";B[cc];W[bd]", ";B[ab];W[ba]", ";B[de];W[ed]",
                               ";B[ac];W[ca]", ";B[ad];W[da]", ";B[ae];W[ea]"]):
        (folder / f"g{i}.sgf").write_bytes(sgf(moves=moves + ";B[];W[];B[]"))
    out = tmp_path / "shards"
    sidecar = build_shards([folder], out, ShardConfig(size=5, heldout_fraction=0.5, seed=3, shard_positions=6))
    assert sidecar["games"]["train"] >= 1 and sidecar["games"]["heldout"] >= 1
    for split in ("train", "heldout"):
        records = list(iter_games(out, split))
        assert len(records) == sidecar["games"][split]
        assert sum(len(r.moves) for r in records) == sidecar["positions"][split] == len(load_split(out, split).moves)
        # a shard is written once it holds shard_positions positions (whole games: 5 each)
        assert len(sidecar["shards"][split]) == -(-sidecar["games"][split] // 2)
        assert sidecar["shards"][split][0] == f"{split}-00000.npz"
    assert len(sidecar["heldout_games"]) == sidecar["games"]["heldout"]


def test_a_shard_folder_is_checked(tmp_path, collection):
    with pytest.raises(DatasetError, match="no dataset.json"):
        read_sidecar(tmp_path)
    (tmp_path / "dataset.json").write_text("{")
    with pytest.raises(DatasetError, match="not valid JSON"):
        read_sidecar(tmp_path)
    (tmp_path / "dataset.json").write_text(json.dumps({"format": "tengen-shards", "format_version": 2}))
    with pytest.raises(DatasetError, match="shard format 'tengen-shards' version 2, this Tengen reads tengen-shards version 1"):
        read_sidecar(tmp_path)
    out = tmp_path / "shards"
    build_shards([collection], out, ShardConfig(size=5, heldout_fraction=0.0))
    assert read_sidecar(out, "alphago48")["planes"] == 48
    with pytest.raises(DatasetError, match="shards hold feature set 'alphago48', not 'alphago49'"):
        read_sidecar(out, "alphago49")
    (out / "train-00000.npz").write_bytes(b"torn")
    with pytest.raises(DatasetError, match="train-00000.npz: unreadable shard"):
        load_split(out, "train")


def test_real_world_records_are_kept_as_loadsgf_reads_them(tmp_path):
    # the same reader as loadsgf (issue 14): a charset the names are not in, KM[], setup after moves
    folder = tmp_path / "real"
    folder.mkdir()
    (folder / "charset.sgf").write_bytes(
        "(;GM[1]FF[4]CA[UTF-8]SZ[5]KM[0.5]RE[B+3.5]PB[李昌镐]PW[曹薰铉];B[cc];W[bb];B[dd])".encode("gb18030"))
    (folder / "komi.sgf").write_bytes(sgf(root="").replace(b"KM[0.5]", b"KM[]"))
    (folder / "setup-later.sgf").write_bytes(sgf(moves=";B[cc];W[bb];AB[ee]AE[cc];B[dd];W[]"))
    sidecar = build_shards([folder], tmp_path / "shards", ShardConfig(size=5, heldout_fraction=0.0))
    assert sidecar["games"] == {"train": 3} and sidecar["positions"]["train"] == 3 + 5 + 4
    setup = read_sgf(folder / "setup-later.sgf")
    planes = game_examples(setup, feature_set("alphago48"))[0]
    stones = np.unpackbits(planes[2])[:2 * 25].reshape(2, 5, 5)  # own and opponent stones, Black to move
    assert stones[0, 4, 4] and not stones[0, 2, 2]  # the setup stone at E1 is there, C3 cleared
