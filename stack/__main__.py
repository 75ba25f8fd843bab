"""Entry point the Pulumi CLI runs (`main: stack/` in Pulumi.yaml).

The CLI runs this directory as a script (`runpy.run_path`, working directory
stack/), so the package is not importable by its name until the repository
root is on sys.path; `python -m stack` and the tests import it normally.
"""

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi

from stack import app, config

for key, value in app.build(config.load()).outputs().items():
    pulumi.export(key, value)
