#!/bin/bash
# Resident memory of a long self-play run (README, "Self-play"): starts `tengen selfplay` with the
# given arguments in the background, samples its RSS every 15 s for MINUTES minutes into a CSV,
# then stops it (it resumes like any killed run) and plots the samples with scripts/plot_memory.py.
# usage: scripts/selfplay_memory.sh MINUTES OUT_CSV -- tengen selfplay arguments...
set -eu
minutes=$1; csv=$2; shift 3
cd "$(dirname "$0")/.."
.venv/bin/tengen selfplay "$@" > "${csv%.csv}.log" 2>&1 &
pid=$!
echo "seconds,rss_mib" > "$csv"
start=$(date +%s)
while kill -0 $pid 2>/dev/null && [ $(( $(date +%s) - start )) -lt $(( minutes * 60 )) ]; do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
  echo "$(( $(date +%s) - start )),$(( rss / 1024 ))" >> "$csv"
  sleep 15
done
kill -9 $pid 2>/dev/null || true
