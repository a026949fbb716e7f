"""Integration: Sabaki's own GTP client library (@sabaki/gtp, npm) drives ``tengen gtp``.

The checks live in ``sabaki/drive.js``; ``.ci/run`` installs the library there with npm. Without
node or the library the test skips (and fails under CI)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import require_tool

SABAKI_DIR = Path(__file__).parent / "sabaki"


def test_sabaki_client_drives_the_engine():
    node = require_tool(shutil.which("node"), "node")
    require_tool(str(SABAKI_DIR) if (SABAKI_DIR / "node_modules" / "@sabaki" / "gtp").exists() else None,
                 "@sabaki/gtp (npm install --prefix tests/gtp/sabaki)")
    done = subprocess.run([node, "drive.js", sys.executable, "-m", "tengen", "gtp", "--time", "0.5"],
                          cwd=SABAKI_DIR, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["ok"] and summary["genmove_analyze"]["infoLines"] >= 1
    assert min(summary["analysis_lines"].values()) >= 3


def test_sabaki_reads_the_score_and_ownership_of_a_network_with_those_heads(tmp_path):
    import torch

    from nets.checkpoint import CheckpointInfo, save_checkpoint
    from nets.models import build_network
    from training.zero import ZeroShape

    node = require_tool(shutil.which("node"), "node")
    require_tool(str(SABAKI_DIR) if (SABAKI_DIR / "node_modules" / "@sabaki" / "gtp").exists() else None,
                 "@sabaki/gtp (npm install --prefix tests/gtp/sabaki)")
    torch.manual_seed(0)
    config = ZeroShape(filters=8, blocks=2, value_hidden=8).network()
    weights = tmp_path / "zero.safetensors"
    save_checkpoint(weights, build_network(config), CheckpointInfo(config, (7,)))
    done = subprocess.run([node, "heads.js", "7", sys.executable, "-m", "tengen", "gtp", "--weights", str(weights),
                           "--device", "cpu", "--set", "search.rollout_weight=0", "--visits", "200"],
                          cwd=SABAKI_DIR, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["ok"] and summary["lines"] >= 3 and summary["blocks"] >= 3
