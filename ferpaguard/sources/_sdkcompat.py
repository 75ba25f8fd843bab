"""Every use of the pulumi Python SDK's private internals by the mock-run child.

Runs in the USER's Python environment (the project's virtualenv): stdlib and
pulumi (with its protobuf and grpc) only. Nothing else in the child touches
SDK internals; `tests/gate/test_mockrun_compat.py` pins each one, and
`check_sdk()` refuses an SDK outside the tested range with one clear line.

What is replaced, and why:
- the mock monitor's RegisterResource, ReadResource and Invoke: the SDK's own
  versions rebuild resource objects from references (which never resolve in a
  preview and deadlock the run), hand `Unknown` objects to fake data sources,
  and echo inputs whose output type differs (a policy document given as a dict
  comes back where a string is declared). These answer in wire form, as the
  engine does in a preview.
- `pulumi.resource.register_resource`/`read_resource` are observed (not changed)
  to learn each resource's construction order and class.
- `Config.*secret*` and `Output.secret` are observed to learn which values are
  secret, so an error line quoting one is redacted.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

OLDEST_SDK = (3, 100, 0)
NEWEST_SDK = (3, 272, 0)
"""The pulumi SDK versions the harness is tested with (both ends); newer minors of 3 are tried, with a note."""
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"


class UnsupportedSdk(Exception):
    """The environment's pulumi SDK is outside the range this harness supports."""


def package_version(distribution: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def release(text: str) -> tuple[int, ...]:
    numbers = []
    for part in text.split(".")[:3]:
        digits = "".join(ch for ch in part if ch.isdigit())
        numbers.append(int(digits or 0))
    return tuple(numbers)


def check_sdk() -> str:
    """The pulumi SDK version, or UnsupportedSdk when it is too old or a different major."""
    version = package_version("pulumi") or "0"
    found = release(version)
    if found < OLDEST_SDK or found[0] != OLDEST_SDK[0]:
        shown = ".".join(map(str, OLDEST_SDK))
        raise UnsupportedSdk(f"pulumi {version} is not supported by the gate (supported: {shown} up to 3.x)")
    problems = private_surface_problems()
    if problems:
        raise UnsupportedSdk(f"pulumi {version} changed SDK internals the gate relies on: {'; '.join(problems)}")
    return version


def private_surface_problems() -> list[str]:
    """Every SDK internal this module uses, checked for presence and shape; [] when all are as expected."""
    import inspect

    problems: list[str] = []

    def need(condition: Any, what: str) -> None:
        try:
            ok = condition() if callable(condition) else condition
        except Exception:  # noqa: BLE001 - any failure to find it is the problem being reported
            ok = False
        if not ok:
            problems.append(what)

    def parameters(func: Any) -> list[str]:
        return list(inspect.signature(func).parameters)

    import pulumi
    import pulumi.resource as sdk_resource
    from pulumi import _types
    from pulumi.runtime import mocks, settings, stack
    from pulumi.runtime.proto import provider_pb2, resource_pb2

    for name in ("register_resource", "read_resource"):
        need(lambda name=name: parameters(getattr(sdk_resource, name))[:3] == ["res", "ty", "name"],
             f"pulumi.resource.{name}(res, ty, name, ...)")
        need(lambda name=name: "opts" in parameters(getattr(sdk_resource, name)), f"pulumi.resource.{name}(opts=)")
    need(lambda: callable(_types.resource_types) and callable(_types.output_type_types),
         "pulumi._types.resource_types / output_type_types")
    need(lambda: parameters(mocks.MockMonitor.__init__) == ["self", "mocks"], "MockMonitor(mocks)")
    need(lambda: mocks.MockMonitor.ResourceRegistration._fields == ("urn", "id", "state"),
         "MockMonitor.ResourceRegistration(urn, id, state)")
    need(lambda: callable(mocks.MockMonitor.Invoke), "MockMonitor.Invoke")
    need(lambda: callable(mocks.MockSettings) and callable(mocks.MockEngine), "MockSettings / MockEngine")
    need(lambda: callable(settings.configure) and callable(settings.get_root_resource),
         "pulumi.runtime.settings.configure / get_root_resource")
    need(lambda: callable(stack.run_in_stack), "pulumi.runtime.stack.run_in_stack")
    request_fields = {
        resource_pb2.RegisterResourceRequest: ("parent", "type", "name", "custom", "object", "dependencies",
                                               "propertyDependencies", "provider", "remote"),
        resource_pb2.RegisterResourceResponse: ("urn", "id", "object"),
        resource_pb2.ReadResourceRequest: ("parent", "type", "name", "id", "properties", "provider"),
        resource_pb2.ReadResourceResponse: ("urn", "properties"),
        resource_pb2.RegisterResourceOutputsRequest: ("urn", "outputs"),
        resource_pb2.ResourceInvokeRequest: ("tok", "args"),
        getattr(resource_pb2, "ResourceInvokeResponse", None) or provider_pb2.InvokeResponse: ("return",),
    }
    for message, fields in request_fields.items():
        known = set(message.DESCRIPTOR.fields_by_name)
        missing = [field for field in fields if field not in known]
        need(not missing, f"{message.DESCRIPTOR.name} fields {', '.join(missing)}")
    need(lambda: any("secret" in name for name in dir(pulumi.Config)) and callable(pulumi.Config.full_key),
         "pulumi.Config secret getters and full_key")
    need(lambda: callable(pulumi.Output.secret), "pulumi.Output.secret")
    return problems


def engine_urn(stack: str, project: str, parent_urn: str, type_: str, name: str) -> str:
    """The URN the engine builds: the parent's qualified type chain joined by `$`,
    except below the root stack, whose type never appears in a child's URN."""
    if parent_urn:
        parent_type = parent_urn.split("::")[2]
        if parent_type != ROOT_STACK_TYPE:
            type_ = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def as_engine_sends(value: Any) -> Any:
    """A wire value with resource references downgraded as the engine does for analyzers and
    providers that keep none: a custom resource becomes its id (unknown until created), a
    component its URN."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == RESOURCE_SIG:
            if "id" in value:
                return value["id"] or UNKNOWN
            return value.get("urn", UNKNOWN)
        return {key: as_engine_sends(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_engine_sends(item) for item in value]
    return value


def _declared(type_: Any) -> Any:
    """`Optional[T]` -> T (the SDK has already unwrapped `Output[T]`)."""
    import typing

    members = [m for m in typing.get_args(type_) if m is not type(None)]
    if typing.get_origin(type_) is typing.Union and len(members) == 1:
        return members[0]
    return type_


def _as_declared(value: Any, type_: Any) -> Any:
    """What a provider hands back for an input whose output type is a string: JSON text
    for an object or list (policy documents), as pulumi-aws normalises them."""
    if isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG:
        return {**value, "value": _as_declared(value.get("value"), type_)}
    if _declared(type_) is str and isinstance(value, (dict, list)):
        if _contains_unknown(value):
            return UNKNOWN
        plain, secret = _unwrap_secrets(value)
        text = json.dumps(plain)
        return {SECRET_SIG_KEY: SECRET_SIG, "value": text} if secret else text
    return value


def _contains_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(item) for item in value)
    return value == UNKNOWN


def _unwrap_secrets(value: Any) -> tuple[Any, bool]:
    """The value without secret wrappers, and whether it had any (then the whole value is secret)."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG:
            return _unwrap_secrets(value.get("value"))[0], True
        pairs = {key: _unwrap_secrets(item) for key, item in value.items()}
        return {key: pair[0] for key, pair in pairs.items()}, any(pair[1] for pair in pairs.values())
    if isinstance(value, list):
        items = [_unwrap_secrets(item) for item in value]
        return [item[0] for item in items], any(item[1] for item in items)
    return value, False


def output_types(cls: type | None) -> dict[str, Any]:
    if cls is None:
        return {}
    from pulumi import _types

    try:
        return _types.resource_types(cls)
    except Exception:  # noqa: BLE001 - a class the SDK cannot describe keeps its outputs as given
        return {}


def invoke_result_fields(token: str) -> dict[str, Any] | None:
    """The result type's wire names and types, from the generated SDK function of `token`."""
    import importlib

    from pulumi import _types

    try:
        package, module, function = token.split(":")
        module_path = module.split("/")[0]
        python_module = f"pulumi_{package.replace('-', '_')}" + ("" if module_path == "index" else f".{module_path}")
        result_class = getattr(importlib.import_module(python_module), function[0].upper() + function[1:] + "Result")
        return _types.output_type_types(result_class)
    except Exception:  # noqa: BLE001 - an unknown token gets an answer without a declared shape
        return None


class HarnessFault(Exception):
    """A fault inside ferpaguard's own harness, never the program's."""


def _our_location(exc: BaseException) -> str:
    here = os.path.dirname(os.path.realpath(__file__))
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        path = os.path.realpath(frame.f_code.co_filename)
        if os.path.dirname(path) == here:
            return f"{os.path.basename(path)}:{line}"
    return "harness"


def make_monitor(stack: str, project: str, preview: bool, answer: Callable[..., dict[str, Any]]) -> Any:
    """The recording mock monitor (a subclass of the SDK's MockMonitor)."""
    from google.protobuf import struct_pb2
    from google.protobuf.json_format import MessageToDict
    from pulumi.runtime import mocks
    from pulumi.runtime.proto import provider_pb2, resource_pb2

    # pulumi < 3.1xx answered invokes with the provider protocol's message; the same fields.
    invoke_response = getattr(resource_pb2, "ResourceInvokeResponse", None) or provider_pb2.InvokeResponse

    def to_struct(value: dict[str, Any]) -> Any:
        struct = struct_pb2.Struct()
        struct.update(value)
        return struct

    def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(self: Any, request: Any) -> Any:
            try:
                return method(self, request)
            except Exception as exc:  # noqa: BLE001 - any fault here is the harness's, and is reported as such
                where = f"{method.__name__} ({_our_location(exc)})"
                self.faults.append(f"{type(exc).__name__} in the mock monitor's {where}")
                raise HarnessFault(self.faults[-1]) from None

        return call

    class NoMocks(mocks.Mocks):
        def new_resource(self, args: Any) -> Any:  # pragma: no cover - the monitor answers itself
            raise HarnessFault("new_resource is not used")

        def call(self, args: Any) -> Any:  # pragma: no cover
            raise HarnessFault("call is not used")

    class GateMonitor(mocks.MockMonitor):
        def __init__(self) -> None:
            super().__init__(NoMocks())
            self.records: list[dict[str, Any]] = []
            self.stack_outputs: dict[str, Any] = {}
            self.faults: list[str] = []
            self.classes: dict[str, type] = {}

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            return engine_urn(stack, project, parent, type_, name)

        def _record(self, request: Any, props: dict[str, Any], id_: str | None, custom: bool, read: bool) -> dict:
            record = {
                "urn": self.make_urn(request.parent, request.type, request.name),
                "type": request.type,
                "name": request.name,
                "props": as_engine_sends(props),
                "parent": request.parent or None,
                # The SDK builds these from sets, whose order changes with each process: sort them.
                "dependencies": sorted(getattr(request, "dependencies", ())),
                "propertyDependencies": {
                    key: sorted(deps.urns) for key, deps in getattr(request, "propertyDependencies", {}).items()
                },
                "provider": request.provider or None,
                "id": id_,
                "custom": custom,
                "read": read,
                "remote": bool(getattr(request, "remote", False)),
            }
            self.records.append(record)
            return record

        def _outputs(self, urn: str, props: dict[str, Any]) -> dict[str, Any]:
            types = output_types(self.classes.get(urn))
            return {key: _as_declared(as_engine_sends(value), types.get(key)) for key, value in props.items()}

        @guarded
        def RegisterResource(self, request: Any) -> Any:
            props = MessageToDict(request.object)
            custom = bool(request.custom)
            record = self._record(request, props, None, custom, read=False)
            urn = record["urn"]
            if request.type == ROOT_STACK_TYPE:
                return resource_pb2.RegisterResourceResponse(urn=urn)
            # A preview: no id, the inputs come back as outputs and everything else is unknown.
            # A remote component's outputs come from its provider: all unknown.
            outputs = {} if record["remote"] else self._outputs(urn, props)
            id_ = f"{request.name}-id" if custom and not preview else ""
            record["id"] = id_ or None
            self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, id_, outputs)
            return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=to_struct(outputs))

        @guarded
        def ReadResource(self, request: Any) -> Any:
            props = MessageToDict(request.properties)
            record = self._record(request, props, request.id or None, True, read=True)
            outputs = self._outputs(record["urn"], props)
            self.resources[record["urn"]] = mocks.MockMonitor.ResourceRegistration(record["urn"], request.id, outputs)
            return resource_pb2.ReadResourceResponse(urn=record["urn"], properties=to_struct(outputs))

        @guarded
        def RegisterResourceOutputs(self, request: Any) -> Any:
            from google.protobuf import empty_pb2

            if request.urn.split("::")[2] == ROOT_STACK_TYPE:
                self.stack_outputs = as_engine_sends(MessageToDict(request.outputs))
            return empty_pb2.Empty()

        @guarded
        def Invoke(self, request: Any) -> Any:
            if request.tok == "pulumi:pulumi:getResource":
                return super().Invoke(request)
            args = as_engine_sends(MessageToDict(request.args))
            result = answer(request.tok, args, invoke_result_fields(request.tok))
            return invoke_response(**{"return": to_struct(result)})

    return GateMonitor()


class Observer:
    """What the program did that the monitor cannot see: construction order, classes, secrets."""

    def __init__(self, stack: str, project: str, monitor: Any) -> None:
        self.stack, self.project, self.monitor = stack, project, monitor
        self.urns: dict[int, str] = {}
        self.keep: list[Any] = []
        self.index: dict[str, int] = {}
        self.secret_keys: set[str] = set()
        self.secret_values: set[str] = set()

    def install(self) -> None:
        import inspect

        import pulumi
        import pulumi.resource as sdk_resource
        from pulumi.runtime.settings import get_root_resource

        def observed(original: Any) -> Any:
            signature = inspect.signature(original)

            def hand_over(res: Any, ty: str, name: str, *args: Any, **kwargs: Any) -> Any:
                opts = signature.bind(res, ty, name, *args, **kwargs).arguments.get("opts")
                parent = getattr(opts, "parent", None) or get_root_resource()
                parent_urn = self.urns.get(id(parent), "") if parent is not None and parent is not res else ""
                urn = engine_urn(self.stack, self.project, parent_urn, ty, name)
                self.urns[id(res)] = urn
                self.keep.append(res)
                self.index.setdefault(urn, len(self.index))
                self.monitor.classes[urn] = type(res)
                return original(res, ty, name, *args, **kwargs)

            return hand_over

        sdk_resource.register_resource = observed(sdk_resource.register_resource)
        sdk_resource.read_resource = observed(sdk_resource.read_resource)

        config_class = pulumi.Config
        for method_name in [m for m in dir(config_class) if "secret" in m and not m.startswith("_")]:
            setattr(config_class, method_name, self._config_secret(getattr(config_class, method_name)))
        original_secret = pulumi.Output.secret

        def secret(value: Any) -> Any:
            self._remember(value)
            return original_secret(value)

        pulumi.Output.secret = staticmethod(secret)  # type: ignore[method-assign]

    def _config_secret(self, method: Callable[..., Any]) -> Callable[..., Any]:
        observer = self

        @functools.wraps(method)
        def read(config: Any, key: str, *args: Any, **kwargs: Any) -> Any:
            observer.secret_keys.add(config.full_key(key))
            return method(config, key, *args, **kwargs)

        return read

    def _remember(self, value: Any) -> None:
        if isinstance(value, str):
            self.secret_values.add(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self._remember(item)
        elif isinstance(value, dict):
            for item in value.values():
                self._remember(item)

    def position(self, record: dict[str, Any]) -> int:
        return self.index.get(record["urn"], len(self.index))


def configure_mocks(monitor: Any, project: str, stack: str, preview: bool, config: dict, secret_keys: list) -> None:
    """Settings as `set_mocks` makes them, without the root stack it creates for unit tests
    (`run_in_stack` creates the program's own)."""
    import logging

    from pulumi.runtime import mocks, set_all_config
    from pulumi.runtime.settings import configure

    set_all_config(config, secret_keys)
    configure(
        mocks.MockSettings(
            monitor=monitor,
            engine=mocks.MockEngine(logging.getLogger("pulumi-program")),
            project=project,
            stack=stack,
            dry_run=preview,
            organization="organization",
        )
    )


def run_program_in_stack(loop: Any, program: Callable[[], Any]) -> None:
    from pulumi.runtime.stack import run_in_stack

    loop.run_until_complete(run_in_stack(program))


def python_version() -> str:
    return ".".join(map(str, sys.version_info[:3]))
