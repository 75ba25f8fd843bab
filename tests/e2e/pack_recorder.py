"""Records what a host sends the policy pack: the real Pulumi engine or ferpaguard's host.

`write_recording_pack` makes a policy pack directory whose `__main__.py` runs
ferpaguard's own pack (policies/pack.py) with a gRPC server interceptor that
appends every call the pack receives (method, request as JSON) to a JSON-lines
file, after one first line with the pack process's PULUMI_* environment. Only
the values of the variables that describe the stack are kept; any other
PULUMI_* variable (the passphrase among them) is recorded by name only.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

STACK_VARIABLES = ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_ORGANIZATION", "PULUMI_DRY_RUN", "PULUMI_CONFIG")

_MAIN = """\
import sys
sys.path[:0] = [{repo!r}, {here!r}]
from pack_recorder import record_calls
record_calls({log!r})
from policies.pack import serve
serve()
"""


def write_recording_pack(pack_dir: Path, repo: Path, venv: Path, log: Path) -> Path:
    pack_dir.mkdir(parents=True, exist_ok=True)
    (pack_dir / "PulumiPolicy.yaml").write_text(
        f"runtime:\n  name: python\n  options:\n    virtualenv: {venv}\nversion: 0.1.0\n"
    )
    (pack_dir / "__main__.py").write_text(_MAIN.format(repo=str(repo), here=str(Path(__file__).parent), log=str(log)))
    return pack_dir


def record_calls(log_path: str) -> None:
    """In the pack process: log the environment, then every gRPC call the pack's server receives."""
    import grpc
    from google.protobuf import json_format

    log = Path(log_path)
    environment = {
        name: (value if name in STACK_VARIABLES else "<set>")
        for name, value in sorted(os.environ.items())
        if name.startswith("PULUMI_")
    }
    _append(log, {"environment": environment, "cwd": os.getcwd(), "argv": sys.argv[1:]})

    class Recorder(grpc.ServerInterceptor):
        def intercept_service(self, continuation: Any, details: Any) -> Any:
            handler = continuation(details)
            if handler is None or handler.unary_unary is None:
                return handler
            method = details.method.rsplit("/", 1)[-1]
            inner = handler.unary_unary

            def recorded(request: Any, context: Any) -> Any:
                _append(log, {"method": method, "request": json_format.MessageToDict(request)})
                return inner(request, context)

            return grpc.unary_unary_rpc_method_handler(
                recorded,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )

    original_server = grpc.server

    def server_with_recorder(*args: Any, **kwargs: Any) -> Any:
        kwargs["interceptors"] = [*kwargs.get("interceptors", ()), Recorder()]
        return original_server(*args, **kwargs)

    grpc.server = server_with_recorder


def _append(log: Path, entry: dict[str, Any]) -> None:
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")


def read_recording(log: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The pack's start-up record and its calls, in the order received."""
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[0], lines[1:]
