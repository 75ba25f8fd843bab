"""ferpaguard's own checkov checks (checkov loads every module here as an external check).

Python files here are executed by checkov's loader, not imported by ferpaguard;
YAML files are checkov graph checks. Ids use the CKV_FERPA / CKV2_FERPA prefixes
so they never clash with checkov's built-in ids (a clashing external id is dropped).
"""
