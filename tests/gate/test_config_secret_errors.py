"""Program errors the gate must report as one line: secrets passed with --config never shown, duplicate URNs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "hunter2-config-secret"
PROGRAMS = {
    "raises": "import pulumi\nint(pulumi.Config().require('token'))\n",
    "crashes": "import os, sys\nimport pulumi\n"
               "sys.stderr.write('debug token=' + pulumi.Config().require('token') + '\\n')\n"
               "sys.stderr.flush()\nos._exit(3)\n",
}


@pytest.mark.parametrize("kind", sorted(PROGRAMS))
def test_config_value_is_redacted_from_program_errors(tmp_path: Path, kind: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: leaky\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(PROGRAMS[kind])
    done = subprocess.run([sys.executable, "-m", "ferpaguard", "gate", str(tmp_path), "--config", f"token={SECRET}"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert SECRET not in done.stdout + done.stderr


def test_two_resources_with_one_urn_are_refused_as_the_engine_does(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: dup\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("import pulumi_aws as aws\naws.s3.Bucket('data')\naws.s3.Bucket('data')\n")
    done = subprocess.run([sys.executable, "-m", "ferpaguard", "gate", str(tmp_path)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert "duplicate resource URN" in done.stderr and len(done.stderr.strip().splitlines()) == 1
