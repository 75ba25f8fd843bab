"""Program errors the gate must report as one line: secret values never shown (plain config values are),
duplicate URNs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "hunter2-config-secret"
PROGRAMS = {
    # read as a secret, then quoted by an exception
    "require_secret": "import pulumi\ntoken = pulumi.Config().require_secret('token')\n"
                      "token.apply(lambda t: int(t))\n",
    # a `secure:` key in the stack file, read as plain text, written to fd 2 before the process dies
    "crashes": "import os\nimport pulumi\n"
               "os.write(2, ('debug token=' + pulumi.Config().require('token') + '\\n').encode())\nos._exit(3)\n",
    # a literal the program made secret with Output.secret, quoted by an exception
    "output_secret": f"import pulumi\nvalue = {SECRET!r}\npulumi.Output.secret(value)\nraise ValueError(value)\n",
}


def gate(program_dir: Path, *config: str) -> subprocess.CompletedProcess[str]:
    pairs = [arg for pair in config for arg in ("--config", pair)]
    return subprocess.run([sys.executable, "-m", "ferpaguard", "gate", str(program_dir), *pairs],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("kind", sorted(PROGRAMS))
def test_secret_values_are_redacted_from_program_errors(tmp_path: Path, kind: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: leaky\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  leaky:token:\n    secure: AAABAGNpcGhlcnRleHQ=\n"
                                              if kind == "crashes" else "config: {}\n")
    (tmp_path / "__main__.py").write_text(PROGRAMS[kind])
    done = gate(tmp_path, f"token={SECRET}")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert SECRET not in done.stdout + done.stderr
    assert "[secret]" in done.stderr


def test_plain_config_values_stay_readable_in_program_errors(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: sized\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("import pulumi\nint(pulumi.Config().require('cpu'))\n")
    done = gate(tmp_path, "cpu=half-a-core")
    assert done.returncode == 2
    assert "'half-a-core'" in done.stderr and "[secret]" not in done.stderr


def test_two_resources_with_one_urn_are_refused_as_the_engine_does(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: dup\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("import pulumi_aws as aws\naws.s3.Bucket('data')\naws.s3.Bucket('data')\n")
    done = subprocess.run([sys.executable, "-m", "ferpaguard", "gate", str(tmp_path)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert "duplicate resource URN" in done.stderr and len(done.stderr.strip().splitlines()) == 1
