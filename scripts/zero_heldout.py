"""Issue 13, acceptance 3: value MSE and ownership accuracy on held-out self-play games (games the
networks never trained on, such as a later generation's) for a zero checkpoint, beside the bundled
value network (or any other) on the same positions. One JSON object.
usage: python scripts/zero_heldout.py FOLDER --zero CHECKPOINT [--bundled] [--games N]
FOLDER: a self-play run folder (shards/, pending/, sgf/), e.g. RUN/selfplay of `tengen train zero`."""
from __future__ import annotations

import argparse
import json

from nets.checkpoint import load_checkpoint
from nets.torch_evaluator import TorchEvaluator
from training.heldout import heldout_report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--zero", action="append", default=[], metavar="CHECKPOINT", help="zero networks to check")
    parser.add_argument("--bundled", action="store_true", help="also the bundled policy and value networks")
    parser.add_argument("--games", type=int, help="at most this many games (the first by id)")
    args = parser.parse_args()
    evaluators = {}
    for path in args.zero:
        network, _ = load_checkpoint(path)
        evaluators[path] = TorchEvaluator(network, device="cpu", symmetry="none", cache_size=0)
    if args.bundled:
        from gtp.config import EngineConfig
        from tengen.wiring import load_networks, resolve_weights

        policy_path, value_path = resolve_weights(EngineConfig(boardsize=9))
        policy, value, scope = load_networks(policy_path, value_path)
        evaluators["bundled"] = TorchEvaluator(policy, value, device="cpu", symmetry="none", cache_size=0, **scope)
    print(json.dumps(heldout_report(args.folder, evaluators, args.games)))


if __name__ == "__main__":
    main()
