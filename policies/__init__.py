"""ferpaguard's rule catalogue: FERPA technical safeguards for AWS as pure functions."""
