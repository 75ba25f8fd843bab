"""Rule coverage of real programs: the share of resources whose type some rule reads.

    .venv/bin/python bench/coverage.py [PROGRAM_DIR ...]

Without arguments: the reference stack, every program under tests/programs/ and
examples/*/ that has a Pulumi.yaml. Each program runs under the gate's mocks; a
resource counts as read when its type is among some catalogue rule's
`resource_types` (the root stack and provider resources are not counted). Prints
a Markdown table and the types no rule reads.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ferpaguard.evaluate import subject_to_resource_rules  # noqa: E402
from ferpaguard.sources.program import ProgramError, run_program  # noqa: E402
from policies.catalogue import load  # noqa: E402


def default_programs() -> list[Path]:
    found = [REPO]
    for parent in (REPO / "tests" / "programs", REPO / "examples"):
        found += sorted(p.parent for p in parent.glob("*/Pulumi.yaml"))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("programs", nargs="*", type=Path)
    args = parser.parse_args()
    read_types = {t for meta in load().rules for t in meta.resource_types}
    unread: Counter[str] = Counter()
    total = covered = 0
    print("| program | resources | read by a rule | share |\n|---|---:|---:|---:|")
    for program in args.programs or default_programs():
        try:
            run = run_program(program)
        except ProgramError as error:
            print(f"| {program.relative_to(REPO) if program.is_relative_to(REPO) else program} | error: {error} | | |")
            continue
        judged = [r for r in run.resources if subject_to_resource_rules(r)]
        hits = [r for r in judged if r.type in read_types]
        unread.update(r.type for r in judged if r.type not in read_types)
        total, covered = total + len(judged), covered + len(hits)
        name = program.relative_to(REPO).as_posix() if program.is_relative_to(REPO) else str(program)
        share = f"{len(hits) / len(judged):.0%}" if judged else "-"
        print(f"| {name or '.'} | {len(judged)} | {len(hits)} | {share} |")
    print(f"| **all** | {total} | {covered} | {covered / total:.0%} |" if total else "| **all** | 0 | 0 | - |")
    print("\nTypes no rule reads (resources):")
    for type_, count in sorted(unread.items()):
        print(f"- `{type_}` ({count})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
