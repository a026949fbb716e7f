"""Issue 13's 5x5 benchmark for a network of `tengen train zero`: its raw policy's favourite first
move on the empty board, and its MCTS against the MCTS valued by random rollouts (equal priors, one
capture-aware playout per leaf) at equal visits, colours alternating, with the win rate's 95%
interval. One JSON line.
usage: python scripts/zero_benchmark.py CHECKPOINT [--games 50] [--visits 100] [--size 5] [--komi 7]"""
from __future__ import annotations

import argparse
import json

import numpy as np

from gogame.coords import from_policy_index, to_gtp
from gogame.game import GameState
from gogame.rules import Rules
from nets.checkpoint import load_checkpoint
from nets.evaluator import LeafBatch, RolloutEvaluator
from nets.torch_evaluator import TorchEvaluator
from selfplay.arena import ArenaConfig, play_arena
from selfplay.match import wilson_interval


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("--games", type=int, default=50)
    parser.add_argument("--visits", type=int, default=100)
    parser.add_argument("--size", type=int, default=5)
    parser.add_argument("--komi", type=float, default=7.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    network, info = load_checkpoint(args.checkpoint)
    evaluator = TorchEvaluator(network, device="cpu", symmetry="average", cache_size=0)
    empty = GameState(args.size, Rules(komi=args.komi))
    priors, value = evaluator.evaluate_batch(LeafBatch.from_games([empty]))
    favourite = int(np.argmax(priors[0]))
    config = ArenaConfig(games=args.games, visits=args.visits, size=args.size, komi=args.komi, opening_moves=0,
                         seed=args.seed)
    scores = play_arena(TorchEvaluator(network, device="cpu", symmetry="random", cache_size=0, seed=args.seed),
                        RolloutEvaluator(seed=args.seed), config)
    low, high = wilson_interval(sum(scores), len(scores))
    print(json.dumps({"checkpoint": args.checkpoint, "step": info.step,
                      "favourite_first_move": to_gtp(from_policy_index(favourite, args.size), args.size),
                      "favourite_prior": round(float(priors[0][favourite]), 4), "empty_board_value": round(float(value[0]), 4),
                      "games": len(scores), "visits": args.visits, "win_rate": round(sum(scores) / len(scores), 4),
                      "interval95": [round(low, 4), round(high, 4)]}))


if __name__ == "__main__":
    main()
