"""One rule per module: `RULE_ID` plus `check(resource, ctx)` or `check_stack(graph, ctx)`."""
