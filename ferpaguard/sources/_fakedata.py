"""Offline answers to data sources (invokes), for the mock-run child process.

Runs in the USER's Python environment: stdlib and pulumi only.

Arguments arrive in engine wire form (camelCase keys, the unknown sentinel,
secret wrappers). Every answer is a complete result: a data source that a
program reads must never leave a required resource input empty. Where the
real answer depends on a value unknown during preview, the unknown sentinel
is written into the answer (inside a policy document's JSON text too, where
the rules read it as an unknown field).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
FAKE_ACCOUNT = "123456789012"
LIST_LENGTH = 3
"""Placeholder lists have three entries: programs index zones and subnets up to [2]."""


def _plain(value: Any) -> Any:
    """A wire value with secret wrappers removed (the answer is fake; only its shape matters)."""
    if isinstance(value, dict):
        if SECRET_SIG_KEY in value:
            return _plain(value.get("value"))
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _fake_id(prefix: str, *parts: Any) -> str:
    return f"{prefix}-{_digest(*parts)[:17]}"


def policy_document(args: dict[str, Any]) -> dict[str, Any]:
    """aws.iam.get_policy_document rendered offline, so IAM rules can read a real document."""
    statements = []
    for given in args.get("statements") or []:
        if not isinstance(given, dict):
            statements.append(UNKNOWN)
            continue
        statement: dict[str, Any] = {"Effect": given.get("effect") or "Allow"}
        if given.get("sid"):
            statement["Sid"] = given["sid"]
        for source, target in (
            ("actions", "Action"),
            ("notActions", "NotAction"),
            ("resources", "Resource"),
            ("notResources", "NotResource"),
        ):
            if given.get(source):
                statement[target] = given[source]
        for source, target in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if given.get(source):
                statement[target] = _principals(given[source])
        if given.get("conditions"):
            statement["Condition"] = _conditions(given["conditions"])
        statements.append(statement)
    document = {"Version": args.get("version") or "2012-10-17", "Statement": statements}
    text = json.dumps(document, indent=2)
    minified = json.dumps(document, separators=(",", ":"))
    return {"json": text, "minifiedJson": minified, "id": _digest(minified)[:16]}


def _principals(entries: Any) -> Any:
    if not isinstance(entries, list):
        return UNKNOWN
    principal: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
            return UNKNOWN
        identifiers = entry.get("identifiers")
        principal.setdefault(entry["type"], []).extend(identifiers if isinstance(identifiers, list) else [UNKNOWN])
    return principal


def _conditions(entries: Any) -> Any:
    if not isinstance(entries, list):
        return UNKNOWN
    condition: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("test"), str):
            return UNKNOWN
        variable = entry.get("variable")
        tested = condition.setdefault(entry["test"], {})
        tested[variable if isinstance(variable, str) else UNKNOWN] = entry.get("values")
    return condition


def answer(token: str, args: dict[str, Any], region: str, result_fields: dict[str, Any] | None) -> dict[str, Any]:
    """A complete answer to the invoke `token`.

    `result_fields` maps the result type's wire names to their Python types when the
    SDK declares them (None otherwise); every declared field gets a value of its type.
    """
    args = _plain(args)
    name = token.rsplit(":", 1)[-1]
    module = token.split(":")[1].split("/")[0] if token.count(":") == 2 else "index"
    service = module.replace("_", "").lower() if module != "index" else "aws"
    specific = _specific(token, args, region)
    result: dict[str, Any] = {}
    for field, type_ in (result_fields or {}).items():
        given = args.get(field)
        result[field] = given if given is not None else _placeholder(field, type_, service, region, args)
    if "id" not in result:
        result["id"] = _fake_id(name, args)
    result.update(specific)
    return result


def _specific(token: str, args: dict[str, Any], region: str) -> dict[str, Any]:
    """Hand-written answers where a plausible value matters to the rules or to programs."""
    if token == "aws:iam/getPolicyDocument:getPolicyDocument":
        return policy_document(args)
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {
            "accountId": FAKE_ACCOUNT,
            "arn": f"arn:aws:iam::{FAKE_ACCOUNT}:user/ferpaguard-gate",
            "userId": "AIDAFERPAGUARDGATE0000",
            "id": FAKE_ACCOUNT,
        }
    if token == "aws:index/getRegion:getRegion":
        return {
            "name": region,
            "region": region,
            "id": region,
            "endpoint": f"ec2.{region}.amazonaws.com",
            "description": region,
        }
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
            "names": [f"{region}{zone}" for zone in "abc"],
            "zoneIds": [f"az-{zone}" for zone in "123"],
            "groupNames": [region],
            "id": region,
            "state": "available",
        }
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws", "id": "aws"}
    if token == "aws:ec2/getAmi:getAmi":
        return {"id": _fake_id("ami", args), "imageId": _fake_id("ami", args), "architecture": "x86_64",
                "state": "available", "rootDeviceType": "ebs", "virtualizationType": "hvm"}
    if token == "aws:route53/getZone:getZone":
        zone = "Z" + _digest(args).upper()[:20]
        zone_name = str(args.get("name") or "example.com").rstrip(".")
        return {"id": zone, "zoneId": zone, "name": zone_name, "arn": f"arn:aws:route53:::hostedzone/{zone}",
                "privateZone": bool(args.get("privateZone")),
                "nameServers": [f"ns-{n}.awsdns-{n}.net" for n in range(LIST_LENGTH)]}
    if token == "aws:ec2/getVpc:getVpc":
        vpc = _fake_id("vpc", args)
        return {"id": vpc, "cidrBlock": args.get("cidrBlock") or "172.31.0.0/16", "default": bool(args.get("default")),
                "arn": f"arn:aws:ec2:{region}:{FAKE_ACCOUNT}:vpc/{vpc}", "ownerId": FAKE_ACCOUNT, "state": "available"}
    if token == "aws:ec2/getSubnets:getSubnets":
        return {"ids": [_fake_id("subnet", args, n) for n in range(LIST_LENGTH)]}
    if token == "aws:ec2/getSubnetIds:getSubnetIds":
        return {"ids": [_fake_id("subnet", args, n) for n in range(LIST_LENGTH)]}
    return {}


_ARN_FIELD = re.compile(r"(?:^|[a-z])Arns?$|^arn$")


def _placeholder(field: str, type_: Any, service: str, region: str, args: dict[str, Any]) -> Any:
    """A value of the declared type: the shape a program expects, not a claim about the account."""
    import typing

    origin = typing.get_origin(type_)
    members = [m for m in typing.get_args(type_) if m is not type(None)]
    if origin is typing.Union and members:
        return _placeholder(field, members[0], service, region, args)
    if type_ is str:
        if field in ("accountId", "ownerId"):
            return FAKE_ACCOUNT
        if field == "region":
            return region
        if _ARN_FIELD.search(field):
            return f"arn:aws:{service}:{region}:{FAKE_ACCOUNT}:{_fake_id(field, args)}"
        return _fake_id(field, args)
    if type_ is bool:
        return False
    if type_ is int:
        return 1
    if type_ is float:
        return 1.0
    if origin in (list, tuple) or (origin is not None and getattr(origin, "__name__", "") in ("Sequence", "List")):
        element = (typing.get_args(type_) or (None,))[0]
        if element is str:
            return [_placeholder(field, str, service, region, args) + f"-{n}" for n in range(LIST_LENGTH)]
        return []
    if origin is dict or (origin is not None and getattr(origin, "__name__", "") in ("Mapping", "Dict")):
        return {}
    return None
