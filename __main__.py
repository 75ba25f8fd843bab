"""Entry point the Pulumi CLI runs for `pulumi preview --policy-pack .` (it runs
./__main__.py of the pack directory)."""

from policies.pack import serve

serve()
