"""checkov as ferpaguard's secondary scanner.

- `convert.to_plan`: Pulumi resources -> Terraform plan JSON (mapping.yaml is the type table)
- `scan.scan`: checkov in-process on the catalogue's checkov ids and ferpaguard's custom checks
- `crosscheck.disagreements`: where the pack and checkov disagree (known_differences.yaml explains)

Importing this package does not import checkov; `scan()` does, on first use.
"""
