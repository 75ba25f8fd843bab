"""checkov as ferpaguard's secondary scanner.

- `convert.to_plan`: Pulumi resources -> Terraform plan JSON (mapping.yaml is the type table)
- `environment.find`: the Python checkov runs under (never ferpaguard's own; created once if need be)
- `scan.scan`: `_runner.py` in that Python on the catalogue's checkov ids and ferpaguard's custom checks
- `crosscheck.disagreements`: where the pack and checkov disagree (known_differences.yaml explains)

ferpaguard never imports checkov: checkov caps packaging<24, current pulumi needs >=26.
"""
