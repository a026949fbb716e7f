#!/bin/bash
# The warm start of the 9x9 zero loop (README, "tengen train zero"): the bundled networks' search
# self-play games, recorded with the loop's own self-play settings (bench_results/issue13/zero9w.toml)
# and the zero50 planes, into the loop's OUT/selfplay. Resumable; run it with nohup.
#   scripts/zero9_warm_games.sh GAMES [THREADS]
set -eu
cd "$(dirname "$0")/.."
GAMES=${1:?games}
THREADS=${2:-2}
OUT=$(python3 -c 'import tomllib;print(tomllib.load(open("bench_results/issue13/zero9w.toml","rb"))["out"])')
exec .venv/bin/tengen selfplay --out "$OUT/selfplay" --games "$GAMES" --threads "$THREADS" \
    --set size=9 --set games_per_thread=16 --set shard_games=64 --set ownership_playouts=200 --set max_moves=200 \
    --set playouts.full_visits=200 --set playouts.cheap_visits=50 --set playouts.full_fraction=0.25 \
    --set game.komi_mean=7.0 --set game.komi_stdev=1.5 --set feature_set=zero50 --set seed=1
