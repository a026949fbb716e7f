"""Mutation score per module from a mutmut run in this folder (README, "Mutation testing").

    mutmut run [PATTERN ...]          # e.g. "selfplay.match*"; all listed modules without one
    python scripts/mutation_scores.py [--markdown] [--survivors MODULE] [--survivor-names]

The score is killed (a test failed, or the mutant timed out) over every mutant of the module
that was run: a mutant no test reaches counts as not killed. Modules none of whose mutants
ran are left out.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict

KILLED = ("killed", "timeout")
NAME = re.compile(r"^\s*(?P<module>[\w.]+?)\.x[_ǁ](?P<rest>\S+): (?P<status>.+)$")


def results() -> list[tuple[str, str, str]]:
    """(module, mutant name, status) for every mutant mutmut knows here."""
    done = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], capture_output=True,
                          text=True, check=True)
    rows = []
    for line in done.stdout.splitlines():
        match = NAME.match(line)
        if match:
            rows.append((match["module"], line.split(":")[0].strip(), match["status"].strip()))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    parser.add_argument("--survivors", metavar="MODULE", help="list the mutants of MODULE that no test killed")
    parser.add_argument("--survivor-names", action="store_true",
                        help="the names of every module's surviving mutants, for mutmut run (after mutation_widen.py)")
    args = parser.parse_args(argv)
    rows = results()
    if args.survivor_names:
        print(" ".join(name for _, name, status in rows if status in ("survived", "no tests")))
        return 0
    if args.survivors:
        for module, name, status in rows:
            if module == args.survivors and status not in KILLED and status != "not checked":
                print(f"{name}: {status}")
        return 0
    counts: dict[str, Counter] = defaultdict(Counter)
    for module, _, status in rows:
        counts[module][status] += 1
    table = []
    for module, count in sorted(counts.items()):
        ran = sum(count.values()) - count["not checked"]
        if ran == 0:
            continue
        killed = sum(count[s] for s in KILLED)
        table.append((module, killed, ran, count["survived"], count["no tests"], 100.0 * killed / ran))
    if args.markdown:
        print("| module | killed / run | survived | no test reaches | score |\n|---|---|---|---|---|")
        for module, killed, ran, survived, untested, score in table:
            print(f"| `{module}` | {killed} / {ran} | {survived} | {untested} | {score:.0f}% |")
    else:
        for module, killed, ran, survived, untested, score in table:
            print(f"{module:32s} {killed:5d} / {ran:5d}  survived {survived:4d}  no tests {untested:4d}  {score:5.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
