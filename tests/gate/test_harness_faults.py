"""A fault in ferpaguard's own mock harness is an internal error, never the program's error.

Each fault class is provoked in the real child process: a wrapper script loads the
harness modules, breaks one piece, and runs the harness's own entry point.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest

from ferpaguard.sources import program as program_source
from ferpaguard.sources.program import HarnessError, ProgramError, run_program

SOURCES = Path(program_source.__file__).parent
PROGRAM = "import pulumi_aws as aws\naws.get_caller_identity()\naws.s3.Bucket('data')\n"
BREAKS = {
    # a data-source answer raising inside the mock monitor
    "invoke": ("import _fakedata\n"
               "def broken(*args, **kwargs):\n    raise KeyError('harness bug')\n"
               "_fakedata.answer = broken\n",
               r"KeyError in the mock monitor's Invoke \(_mockrun\.py:\d+\)$"),
    # resource registration raising inside the mock monitor
    "register": ("import _sdkcompat\n"
                 "def broken(cls):\n    raise TypeError('harness bug')\n"
                 "_sdkcompat.output_types = broken\n",
                 r"TypeError in the mock monitor's RegisterResource \(_sdkcompat\.py:\d+\)$"),
    # the harness failing after the program ran
    "after_the_program": ("import _mockrun\n"
                          "def broken(*args):\n    raise ValueError('harness bug')\n"
                          "_mockrun.duplicate_urn_error = broken\n",
                          r"ValueError in _mockrun\.py:\d+$"),
    # the harness failing before the program ran
    "before_the_program": ("import _sdkcompat\n"
                           "def broken(*args):\n    raise RuntimeError('harness bug')\n"
                           "_sdkcompat.configure_mocks = broken\n",
                           r"RuntimeError in _mockrun\.py:\d+$"),
    # a result the parent cannot read
    "unreadable_result": ("import os\nos.write(int(sys.argv[-1]), b'{not json')\nos._exit(0)\n",
                          r"the mock run's result is unreadable \(9 bytes\)$"),
    # a result of the wrong shape
    "misshapen_result": ("import os\nos.write(int(sys.argv[-1]), b'{\"ok\": true, \"error\": null, "
                         "\"resources\": [{\"urn\": 1}]}')\nos._exit(0)\n",
                         r"the mock run's result has an unexpected shape \(KeyError\)$"),
}


def broken_harness(tmp_path: Path, breakage: str) -> Path:
    script = tmp_path / "broken_mockrun.py"
    script.write_text(
        f"import sys\nsys.path.insert(0, {str(SOURCES)!r})\n"
        + textwrap.dedent(breakage)
        + "import _mockrun\n_mockrun.main()\n"
    )
    return script


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "project"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: innocent\nruntime: python\n")
    (directory / "__main__.py").write_text(PROGRAM)
    return directory


def test_the_program_itself_is_fine(project: Path) -> None:
    assert len(run_program(project).resources) == 2


@pytest.mark.parametrize("fault", sorted(BREAKS))
def test_a_harness_fault_is_an_internal_error(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    breakage, detail = BREAKS[fault]
    monkeypatch.setattr(program_source, "CHILD_SCRIPT", broken_harness(tmp_path, breakage))
    with pytest.raises(HarnessError) as raised:
        run_program(project)
    message = raised.value.message
    assert message.startswith("ferpaguard internal error (mock harness, not your program): ")
    assert re.search(detail, message), message
    assert "__main__.py" not in message and "harness bug" not in message


def test_a_program_that_kills_its_own_process_is_the_programs_error(project: Path) -> None:
    (project / "__main__.py").write_text("import os\nos._exit(4)\n")
    with pytest.raises(ProgramError) as raised:
        run_program(project)
    assert not isinstance(raised.value, HarnessError)
    assert raised.value.message.startswith("__main__.py: the program process ended abnormally (exit 4)")


def test_an_sdk_assertion_never_shows_the_value(project: Path) -> None:
    (project / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "aws.ec2.Instance('web', ami='ami-1', instance_type='t3.micro', vpc_security_group_ids={'a': 'shown?'})\n"
    )
    with pytest.raises(ProgramError) as raised:
        run_program(project)
    assert raised.value.message == (
        "__main__.py: the pulumi SDK expected a typing.Sequence[str], got a dict "
        "(resource 'web', property 'vpc_security_group_ids')"
    )


def test_the_child_imports_nothing_but_the_standard_library_and_pulumi() -> None:
    import ast

    allowed = set(sys.stdlib_module_names) | {"pulumi", "google", "grpc", "_sdkcompat", "_fakedata", "__future__"}
    for name in ("_mockrun.py", "_sdkcompat.py", "_fakedata.py"):
        tree = ast.parse((SOURCES / name).read_text())
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
        assert imported <= allowed, (name, imported - allowed)
