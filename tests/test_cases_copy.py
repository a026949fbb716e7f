"""``tests/cases`` is a copy of the project's ``shared/cases`` (inputs from real use, issue 14), kept
in the repository so that a clean clone tests them; while the original sits beside the checkout,
the copy must hold every one of its files unchanged."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORIGINAL = ROOT.parent / "shared" / "cases"


@pytest.mark.skipif(not ORIGINAL.is_dir(), reason="no shared/cases beside this checkout to compare the copy with")
def test_the_copy_of_the_shared_cases_is_current():
    for original in sorted(ORIGINAL.iterdir()):
        copy = ROOT / "tests" / "cases" / original.name
        assert copy.is_file(), f"{original.name} is not copied into tests/cases"
        if original.suffix != ".md":
            assert copy.read_bytes() == original.read_bytes(), f"tests/cases/{original.name} differs from the original"
