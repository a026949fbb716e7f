"""A zero network's ownership and score heads reach the GUI: kata-analyze reports scoreMean,
scoreStdev and scoreLead for every candidate (the network's score after the move, for the side to
move) and ownership from the network; networks without those heads report neither score field."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from gogame.game import GameState
from gogame.rules import Rules
from nets.checkpoint import CheckpointInfo, save_checkpoint
from nets.evaluator import LeafBatch
from nets.models import build_network
from nets.torch_evaluator import TorchEvaluator
from search.mcts import MCTS, SearchConfig
from search.result import SearchLimits
from tests.gtp.engines import engine as make_engine
from tests.gtp.test_engine import streamed
from training.zero import ZeroShape

KATA_BLOCK = re.compile(r"info move (\S+) visits (\d+) edgeVisits \d+ winrate ([\d.]+) scoreMean (-?[\d.]+) "
                        r"scoreStdev ([\d.]+) scoreLead (-?[\d.]+) prior [\d.]+ lcb -?[\d.]+ order \d+ pv( \S+)+")


@pytest.fixture(scope="module")
def zero_checkpoint(tmp_path_factory):
    torch.manual_seed(5)
    config = ZeroShape(filters=8, blocks=2, value_hidden=8).network()
    path = tmp_path_factory.mktemp("zero") / "zero.safetensors"
    save_checkpoint(path, build_network(config), CheckpointInfo(config, (5,)))
    return path


def test_kata_analyze_reports_the_score_and_ownership_of_the_heads(zero_checkpoint):
    engine = make_engine({"boardsize": 5, "time.visits": 64, "nets.weights": str(zero_checkpoint),
                          "nets.device": "cpu", "search.rollout_weight": 0.0})
    text = streamed(engine, "kata-analyze B 10 ownership true")
    last = [line for line in text.split("\n") if line.startswith("info")][-1]
    blocks, ownership = last.split(" ownership ")
    parsed = [KATA_BLOCK.fullmatch(block.strip()) for block in ("info" + b for b in blocks.split("info")[1:])]
    assert parsed and all(parsed), last[:300]
    for match in parsed:
        assert match.group(4) == match.group(6) and float(match.group(5)) > 0  # mean = lead, a spread
    values = [float(v) for v in ownership.split()]
    assert len(values) == 25 and all(-1 <= v <= 1 for v in values)
    assert "scoreLead" not in streamed(engine, "lz-analyze B 10")


def test_each_moves_score_lead_is_the_networks_score_after_it_for_the_mover(zero_checkpoint):
    from nets.checkpoint import load_checkpoint

    network, _ = load_checkpoint(zero_checkpoint)
    evaluator = TorchEvaluator(network, device="cpu", symmetry="none", cache_size=0)
    game = GameState(5, Rules(komi=2.5))
    game.play_gtp("C3")
    result = MCTS(evaluator, SearchConfig(rollout_weight=0.0, batch_size=4)).search(game, SearchLimits(visits=40))
    best = result.best
    after = game.copy()
    after.play(best.move)
    heads = evaluator.evaluate_heads(LeafBatch.from_games([after]))
    assert best.score_lead == pytest.approx(-float(heads["score_mean"][0]), abs=1e-4)
    root = evaluator.evaluate_heads(LeafBatch.from_games([game]))
    assert result.score_lead == pytest.approx(float(root["score_mean"][0]), abs=1e-4)
    # ownership in Black's view: White is to move here, so the head's values change sign
    np.testing.assert_allclose(result.ownership, -root["ownership"][0], atol=1e-5)


def test_networks_without_score_heads_report_no_score():
    engine = make_engine({"boardsize": 5, "time.visits": 32, "player": "mcts", "nets.device": "cpu"})
    assert "scoreLead" not in streamed(engine, "kata-analyze B 10")


def test_moves_ownership_and_the_json_analysis_use_the_heads(zero_checkpoint):
    import io
    import json

    from gtp.json_analysis import AnalysisEngine, serve_analysis

    engine = make_engine({"boardsize": 5, "time.visits": 48, "nets.weights": str(zero_checkpoint),
                          "nets.device": "cpu", "search.rollout_weight": 0.0})
    text = streamed(engine, "kata-analyze W 10 movesOwnership true pvVisits true")
    last = [line for line in text.split("\n") if line.startswith("info")][-1]
    for block in last.split("info ")[1:]:
        tail = block.split(" movesOwnership ")
        assert len(tail) == 2 and len(tail[1].split()) == 25 and " pvVisits " in tail[0]
    answers: list[dict] = []
    analysis = AnalysisEngine(engine.searcher, answers.append, default_visits=32)
    query = {"id": "z", "boardXSize": 5, "boardYSize": 5, "komi": 2.5, "moves": [["B", "C3"]],
             "includeOwnership": True, "includeMovesOwnership": True}
    serve_analysis(analysis, io.BytesIO((json.dumps(query) + "\n").encode()))
    assert not [a for a in answers if "warning" in a]  # the heads are there: no scoreLead warning
    (answer,) = [a for a in answers if "moveInfos" in a]
    assert "scoreLead" in answer["rootInfo"] and all("scoreLead" in info for info in answer["moveInfos"])
    assert len(answer["ownership"]) == 25 and all(len(info["ownership"]) == 25 for info in answer["moveInfos"])
    # Black's view (the default): the root's lead for White to move, turned to Black's
    heads = engine.searcher.evaluator.evaluate_heads(LeafBatch.from_games([_after_c3()]))
    assert answer["rootInfo"]["scoreLead"] == pytest.approx(-float(heads["score_mean"][0]), abs=1e-4)


def _after_c3() -> GameState:
    game = GameState(5, Rules(komi=2.5))
    game.play_gtp("C3")
    return game
