#!/bin/bash
# Full mutation runs, one package after another (README, "Mutation testing"), each in its own copy of HEAD
# beside the checkout (../mut-<package>) with a per-package test selection, about one mutant a second;
# results stay in its mutants/ folder, so a killed queue resumes. Run it with nohup; logs in ../mut-run-*.log.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
HEAD=$(git rev-parse --short HEAD)
run() {  # name, only_mutate (python list), test selection (python list)
  local dir=$ROOT/../mut-$1
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir" && git archive HEAD | tar -x -C "$dir"
    python3 - "$dir/pyproject.toml" "$2" "$3" <<'PY'
import re, sys
p, only, sel = sys.argv[1:]
s = open(p).read()
s = re.sub(r'only_mutate = \[.*?\]\n', f'only_mutate = {only}\npytest_add_cli_args_test_selection = {sel}\n', s, flags=re.S)
open(p, 'w').write(s)
PY
  fi
  echo "== $1 from $HEAD at $(date)"
  # Ray's tests off (TENGEN_NO_RAY): each mutant reaching the self-play worker would start a cluster
  (cd "$dir" && TENGEN_NO_RAY=1 nice -n 5 "$ROOT"/.venv/bin/python -m mutmut run > $ROOT/../mut-run-$1.log 2>&1)
  (cd "$dir" && "$ROOT"/.venv/bin/python scripts/mutation_scores.py --markdown)
}
# wait for any mutmut run already going
while pgrep -f "mutmut run" > /dev/null; do sleep 30; done
# nets, selfplay and training first: the GUI-protocol work of issue 14 changes gtp and search next
run nets '["nets/checkpoint.py", "nets/evaluator.py", "nets/torch_evaluator.py", "nets/rollout_policy.py", "nets/device.py"]' '["tests/nets"]'
run selfplay '["selfplay/match.py", "selfplay/expert.py", "selfplay/lockstep.py", "selfplay/arena.py", "selfplay/inference.py", "selfplay/ratings.py", "selfplay/records.py", "selfplay/run.py", "selfplay/targets.py", "selfplay/worker.py"]' '["tests/selfplay"]'
run training '["training/dataset.py", "training/policy_gradient.py", "training/reinforce.py", "training/rollout.py", "training/run.py", "training/sections.py", "training/state.py", "training/supervised.py", "training/value.py", "training/zero.py"]' '["tests/training"]'
run search '["search/mcts.py", "search/flat.py", "search/gumbel.py", "search/policy_player.py", "search/result.py"]' '["tests/search"]'
run gtp '["gtp/analysis.py", "gtp/analysis_commands.py", "gtp/arguments.py", "gtp/board_text.py", "gtp/client.py", "gtp/engine.py", "gtp/play_commands.py", "gtp/protocol.py", "gtp/scoring_commands.py", "gtp/setup_commands.py", "gtp/terminal.py", "gtp/time_commands.py", "gtp/timecontrol.py"]' '["tests/gtp", "tests/search/test_handicap_scoring.py"]'
