"""ferpaguard: FERPA technical safeguards for Pulumi AWS stacks, as policy-as-code."""

__version__ = "0.1.0"
