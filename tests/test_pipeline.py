"""What gate and audit share: every source's resources are counted, whether a rule had something to say or not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ferpaguard.evaluate import subject_to_resource_rules
from ferpaguard.sources.export import load_export

REPO_ROOT = Path(__file__).resolve().parent.parent
EXPORTS = REPO_ROOT / "tests" / "fixtures" / "exports"


def _audit_summary(*paths: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "ferpaguard", "audit", *map(str, paths), "--format", "json"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["summary"]


def test_resources_checked_counts_every_judged_resource_not_only_those_with_findings(tmp_path: Path) -> None:
    document = json.loads((EXPORTS / "reference_deployed.json").read_text())
    resources = document["deployment"]["resources"]
    # A resource no rule reads: it is judged (every rule ran and had nothing to say), so it counts.
    template = next(r for r in resources if r["type"] == "aws:ec2/vpc:Vpc")
    unread = {**template, "type": "aws:cloudwatch/dashboard:Dashboard",
              "urn": template["urn"].replace("aws:ec2/vpc:Vpc", "aws:cloudwatch/dashboard:Dashboard"),
              "inputs": {"dashboardName": "ops", "dashboardBody": "{}"}, "outputs": {"dashboardName": "ops"}}
    resources.append(unread)
    path = tmp_path / "with-dashboard.json"
    path.write_text(json.dumps(document))

    export = load_export(str(path))
    judged = sum(map(subject_to_resource_rules, export.resources))
    summary = _audit_summary(path)
    assert summary["resources"] == judged
    assert summary["resources"] == _audit_summary(EXPORTS / "reference_deployed.json")["resources"] + 1


def test_per_stack_counts_add_up_to_the_total() -> None:
    summary = _audit_summary(EXPORTS / "reference_deployed.json", EXPORTS / "seed_broken.json")
    assert len(summary["stacks"]) == 2
    assert sum(stack["resources"] for stack in summary["stacks"].values()) == summary["resources"]


def test_evaluation_and_evidence_run_with_the_collector_paused_and_it_comes_back(monkeypatch, tmp_path: Path) -> None:
    import gc

    from ferpaguard import evaluate as evaluate_module
    from ferpaguard import pipeline

    seen: list[bool] = []
    real = evaluate_module.evaluate

    def spying(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "evaluate", spying)
    assert gc.isenabled()
    code = pipeline.audit([str(EXPORTS / "seed_broken.json")], [],
                          options=pipeline.RunOptions(formats=("json",), output_dir=tmp_path, quiet=True))
    assert code == 1
    assert seen == [False]
    assert gc.isenabled()
    assert (tmp_path / "findings.json").is_file()


def test_a_json_only_audit_loads_neither_jinja_nor_cryptography() -> None:
    # Evidence writers and the bundle are imported when used: an audit printing findings.json pays
    # for neither (about 50 ms and 10 MB of every such run).
    script = (
        "import sys\n"
        "from ferpaguard.cli import main\n"
        "try:\n"
        f"    main(['audit', {str(EXPORTS / 'seed_broken.json')!r}, '--format', 'json', '--quiet'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('jinja2', 'cryptography', 'markupsafe') if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert json.loads(done.stdout)["summary"]["mandatory_failures"] > 0
    assert done.stderr.strip().splitlines()[-1] == "[]"
