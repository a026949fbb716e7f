"""The architecture as tests: dependencies point one way, and the lower floor never needs torch.

``gogame`` <- ``nets`` <- ``search`` <- ``selfplay`` / ``gtp``; ``training`` uses ``gogame``,
``nets``, ``search`` and ``selfplay``; only ``tengen`` knows every package; ``common`` is below them all.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["common", "gogame", "nets", "search", "selfplay", "training", "gtp", "tengen"]
MAY_IMPORT = {
    "common": set(),
    "gogame": {"common"},
    "nets": {"common", "gogame"},
    "search": {"common", "gogame", "nets"},
    "selfplay": {"common", "gogame", "nets", "search", "gtp"},
    "gtp": {"common", "gogame", "nets", "search"},
    "training": {"common", "gogame", "nets", "search", "selfplay"},
    "tengen": set(PACKAGES),
}
TORCH_FREE = ["common", "gogame", "search"]


def modules(package: str) -> list[str]:
    return sorted(f"{package}.{p.stem}" if p.stem != "__init__" else package for p in (ROOT / package).glob("*.py"))


def imported_packages(path: Path) -> set[str]:
    """Our packages that the module at ``path`` imports (at any depth of its code)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_the_packages_below_it(package):
    wrong = {f"{path.name} imports {other}" for path in (ROOT / package).glob("*.py")
             for other in imported_packages(path) - MAY_IMPORT[package] - {package}}
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("package", TORCH_FREE)
def test_the_lower_floor_imports_without_torch(package):
    names = modules(package)
    code = ("import importlib, sys\n"
            f"for name in {names!r}:\n"
            "    importlib.import_module(name)\n"
            "    assert 'torch' not in sys.modules, name + ' imported torch'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_evaluator_contract_imports_without_torch():
    code = "import sys, nets.evaluator; assert 'torch' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
