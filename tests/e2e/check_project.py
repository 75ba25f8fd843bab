"""Preview a Pulumi project with the real engine and this pack, and compare with `ferpaguard gate`.

    .venv/bin/python tests/e2e/check_project.py PROJECT_DIR [--stack dev] [--policy-config FILE]
    make e2e-project PROJECT=path/to/project [STACK=dev] [POLICY_CONFIG=file.json]

The preview runs from a temporary copy of the project, on a throw-away local
backend, with the test-only echo provider as pulumi-resource-aws: no login, no
AWS credentials, and the project's own state and files stay untouched. Config
comes from the project's Pulumi.<stack>.yaml; for `secure:` values set
PULUMI_CONFIG_PASSPHRASE to that stack's passphrase. A project that names no
virtualenv runs with ferpaguard's .venv, as the gate does. Only the aws provider
is stood in for; other providers' plugins must be on PATH.

Prints the engine's verdict, the gate's, and every difference; exits 0 when
they agree, 1 when they differ, 2 when either could not run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from pulumi_engine import NO_CLI_HINT, Workspace, differences_from_gate, find_cli, gate_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--policy-config", type=Path)
    args = parser.parse_args(argv)

    cli = find_cli()
    if cli is None:
        print(f"check_project: {NO_CLI_HINT}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ferpaguard-e2e-") as scratch:
        workspace = Workspace(Path(scratch), cli, passphrase=os.environ.get("PULUMI_CONFIG_PASSPHRASE", "ferpaguard"))
        project = workspace.project_copy(args.project, "project")
        workspace.init_stack(project, args.stack)
        engine = workspace.preview(project, args.stack, config=args.policy_config)
    gate_code, report, gate_stderr = gate_report(args.project, args.stack, args.policy_config)
    if gate_code == 2 or report is None:
        print(f"check_project: ferpaguard gate could not run: {gate_stderr.strip()}", file=sys.stderr)
        return 2

    print(f"pulumi preview ({cli}): exit {engine.returncode}, "
          f"{len(engine.violations('mandatory'))} mandatory and {len(engine.violations('advisory'))} advisory "
          f"violations, {len(engine.unknowns())} unknown")
    print(f"ferpaguard gate: exit {gate_code}")
    differences = differences_from_gate(engine, gate_code, report)
    for line in differences:
        print(f"  differs: {line}")
    if engine.returncode != 0 and not engine.violations("mandatory"):
        print("  the preview failed without a policy violation:\n" + engine.diagnostics.strip())
    print("agree" if not differences else f"{len(differences)} difference(s)")
    return 0 if not differences else 1


if __name__ == "__main__":
    sys.exit(main())
