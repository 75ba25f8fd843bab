"""Requirement sets for the pack-install measurement, and the size of the environments they give.

    python bench/install_cost.py prepare DIR   # DIR/req-{old,new,pulumi}.txt
    python bench/install_cost.py sizes DIR     # packages and MB of DIR/venv-{old,new,pulumi}

old: requirements.txt before checkov left it (commit 364787c~1); new: requirements.txt;
pulumi: only pulumi, pulumi-policy and pulumi-aws at requirements.txt's pins (the yardstick).
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = ("old", "new", "pulumi")
YARDSTICK = ("pulumi", "pulumi-policy", "pulumi-aws")
VENV_OWN = ("pip", "setuptools")  # what `python -m venv` put there


def prepare(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    new = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    old = subprocess.run(["git", "show", "364787c~1:requirements.txt"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    pins = [line for line in new.splitlines() if line.split("==")[0].strip() in YARDSTICK]
    assert len(pins) == len(YARDSTICK), pins
    (out / "req-old.txt").write_text(old, encoding="utf-8")
    (out / "req-new.txt").write_text(new, encoding="utf-8")
    (out / "req-pulumi.txt").write_text("\n".join(pins) + "\n", encoding="utf-8")


def _distribution_megabytes(site: Path) -> dict[str, float]:
    """Each distribution the requirements installed -> MB of the files its RECORD lists (bytecode included)."""
    sizes: dict[str, float] = {}
    for dist in metadata.distributions(path=[str(site)]):
        name = dist.metadata["Name"]
        if name.lower() in VENV_OWN:
            continue
        total = 0
        for file in dist.files or ():
            path = Path(str(dist.locate_file(file)))
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
        sizes[name] = total / 1e6
    return sizes


def sizes(out: Path) -> None:
    """Distributions and megabytes the requirements added (the venv's own pip and setuptools left out)."""
    print("| set | packages | MB on disk | largest (MB) |")
    print("|---|---:|---:|---|")
    for name in SETS:
        site = next((out / f"venv-{name}").glob("lib/python*/site-packages"))
        by_dist = _distribution_megabytes(site)
        largest = ", ".join(f"{k} {v:.0f}" for k, v in sorted(by_dist.items(), key=lambda kv: -kv[1])[:8])
        print(f"| {name} | {len(by_dist)} | {sum(by_dist.values()):.0f} | {largest} |")


if __name__ == "__main__":
    command, directory = sys.argv[1], Path(sys.argv[2])
    {"prepare": prepare, "sizes": sizes}[command](directory)
