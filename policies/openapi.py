"""The integrations a RestApi declares in its OpenAPI `body` (`x-amazon-apigateway-integration`),
read as plain wire-form property mappings so the Integration rules can judge them the same way."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from policies.values import MISSING, SECRET_SIG, SIG_KEY, UNKNOWN, get, is_secret_at

EXTENSION = "x-amazon-apigateway-integration"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method")
MAX_BODY_CHARS = 2_000_000
"""More than API Gateway imports; a bigger body is not read."""


@dataclass(frozen=True, slots=True)
class BodyIntegration:
    label: str
    """Where it is declared ("GET /students/{id}"), or its position when the body is a secret."""
    props: Mapping[str, Any]
    """The extension's fields; each wrapped as a secret when the body is one, so `checks.shown` redacts it."""


class BodyUnreadable(ValueError):
    pass


def _document(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) > MAX_BODY_CHARS:
            raise BodyUnreadable(f"the body is longer than {MAX_BODY_CHARS} characters")
        try:
            return json.loads(value)
        except ValueError:
            pass
        try:
            if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(value, Loader=yaml.SafeLoader)):
                # Aliases can expand a small document into a huge one: not read.
                raise BodyUnreadable("the YAML body uses aliases, which are not read")
            return yaml.safe_load(value)
        except yaml.YAMLError:
            raise BodyUnreadable("the body is neither JSON nor YAML") from None
    return value


def body_integrations(props: Mapping[str, Any]) -> list[BodyIntegration] | None:
    """The body's integrations; None when the body is not known (preview); [] when there is none."""
    value = get(props, "body")
    if value is MISSING:
        return []
    if value is UNKNOWN:
        return None
    secret = is_secret_at(props, "body")
    document = _document(value)
    found = list(_walk(document, secret))
    return found


def _walk(document: Any, secret: bool) -> Iterator[BodyIntegration]:
    paths = document.get("paths") if isinstance(document, Mapping) else None
    if not isinstance(paths, Mapping):
        return
    count = 0
    for path, item in paths.items():
        if not isinstance(item, Mapping):
            continue
        for method in METHODS:
            operation = item.get(method)
            extension = operation.get(EXTENSION) if isinstance(operation, Mapping) else None
            if not isinstance(extension, Mapping):
                continue
            count += 1
            label = f"integration #{count} of the body" if secret else f"{method.upper()} {path}"
            fields = {str(k): ({SIG_KEY: SECRET_SIG, "value": v} if secret else v) for k, v in extension.items()}
            yield BodyIntegration(label, fields)
