"""Widen mutmut's map of which tests reach which function to whole test files, then re-run the
survivors (README, "Mutation testing").

    python scripts/mutation_widen.py             # in a package's mutation folder (../mut-<package>)
    python -m mutmut run $(python scripts/mutation_scores.py --survivor-names)

Why: mutmut records, for each function, the tests during which it ran. A module-scoped fixture runs
during the first test that uses it, so a function called only by the fixture is recorded for that
one test; a mutant of it is then tested by that test alone, and survives although the file's other
tests (which read the fixture's output) would kill it. Every test of a file that holds a recorded
test is added, which covers module-scoped fixtures (session-scoped ones in a conftest are not).
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path


def widen(stats_path: Path) -> tuple[int, int]:
    """Rewrite ``stats_path`` in place; returns (function-test pairs before, after)."""
    stats = json.loads(stats_path.read_text())
    by_function: dict[str, list[str]] = stats["tests_by_mangled_function_name"]
    by_file: dict[str, set[str]] = defaultdict(set)
    for test in stats["duration_by_test"]:
        by_file[test.split("::")[0]].add(test)
    before = sum(len(tests) for tests in by_function.values())
    for function, tests in by_function.items():
        files = {test.split("::")[0] for test in tests}
        by_function[function] = sorted(set(tests).union(*(by_file[f] for f in files)))
    after = sum(len(tests) for tests in by_function.values())
    temporary = stats_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(stats))
    temporary.replace(stats_path)
    return before, after


if __name__ == "__main__":
    path = Path("mutants") / "mutmut-stats.json"
    before, after = widen(path)
    print(f"{path}: {before} function-test pairs widened to {after}")
