#!/bin/sh
# A fresh virtualenv at DIR (removed first) with REQUIREMENTS installed, no pip cache:
# what a fresh machine, a CI job or `pulumi preview --policy-pack` pays for the pack's environment.
set -eu
requirements=$1
dir=$2
rm -rf "$dir"
python3 -m venv "$dir"
"$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir -r "$requirements"
