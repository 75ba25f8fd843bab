"""Requirement sets for the pack-install measurement, and the size of the environments they give.

    python bench/install_cost.py prepare DIR   # DIR/req-{old,new,pulumi}.txt
    python bench/install_cost.py sizes DIR     # packages and MB of DIR/venv-{old,new,pulumi}

old: requirements.txt before checkov left it (commit 364787c~1); new: requirements.txt;
pulumi: only pulumi, pulumi-policy and pulumi-aws at requirements.txt's pins (the yardstick).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = ("old", "new", "pulumi")
YARDSTICK = ("pulumi", "pulumi-policy", "pulumi-aws")


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


def _megabytes(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def sizes(out: Path) -> None:
    print("| set | packages (besides pip) | MB on disk (site-packages) | largest packages (MB) |")
    print("|---|---:|---:|---|")
    for name in SETS:
        site = next((out / f"venv-{name}").glob("lib/python*/site-packages"))
        dists = sorted(d.name.split("-")[0] for d in site.glob("*.dist-info"))
        dists = [d for d in dists if d.lower() not in ("pip", "setuptools")]
        by_top: dict[str, float] = {}
        for entry in site.iterdir():
            if entry.name.endswith((".dist-info", ".pth")) or entry.name == "__pycache__":
                continue
            by_top[entry.name] = _megabytes(entry) if entry.is_dir() else entry.stat().st_size / 1e6
        largest = ", ".join(f"{k} {v:.0f}" for k, v in sorted(by_top.items(), key=lambda kv: -kv[1])[:6])
        print(f"| {name} | {len(dists)} | {_megabytes(site):.0f} | {largest} |")


if __name__ == "__main__":
    command, directory = sys.argv[1], Path(sys.argv[2])
    {"prepare": prepare, "sizes": sizes}[command](directory)
