"""A test-only `pulumi-resource-aws`: answers the provider protocol by echoing inputs.

The end-to-end tests put a launcher for this file on PATH as
`pulumi-resource-aws`, where the Pulumi CLI finds it as an ambient plugin, so
`pulumi preview` needs neither AWS credentials nor the real provider. It is
never shipped. Create echoes inputs; Invoke answers the caller-identity lookup the
reference stack makes with a fixed fake account. Because it answers Handshake,
the engine treats it as supporting previews and calls Create with preview set.
"""

from __future__ import annotations

import sys
from concurrent import futures

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

# The provider version pulumi-aws 7.51.1 asks the engine for (its pulumi-plugin.json).
PROVIDER_VERSION = "7.51.1"
FAKE_ACCOUNT = "123456789012"
FAKE_INVOKES = {
    "aws:index/getCallerIdentity:getCallerIdentity": {
        "accountId": FAKE_ACCOUNT,
        "arn": f"arn:aws:iam::{FAKE_ACCOUNT}:user/ferpaguard-e2e",
        "id": FAKE_ACCOUNT,
        "userId": "AIDAFERPAGUARDE2E",
    },
}


def _struct(values: dict[str, object]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(values)
    return message


class EchoProvider(provider_pb2_grpc.ResourceProviderServicer):
    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=PROVIDER_VERSION)

    def Handshake(self, request, context):
        return provider_pb2.ProviderHandshakeResponse(accept_secrets=True, accept_resources=True, accept_outputs=True)

    def CheckConfig(self, request, context):
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request, context):
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)

    def Configure(self, request, context):
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True, supportsPreview=False, acceptResources=True, acceptOutputs=True
        )

    def Check(self, request, context):
        return provider_pb2.CheckResponse(inputs=request.news)

    def Diff(self, request, context):
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)

    def Create(self, request, context):
        # As a real provider in a preview: no id yet (the engine makes it unknown), inputs as state.
        resource_id = "" if request.preview else request.urn.rsplit("::", 1)[-1]
        return provider_pb2.CreateResponse(id=resource_id, properties=request.properties)

    def Invoke(self, request, context):
        return provider_pb2.InvokeResponse(**{"return": _struct(FAKE_INVOKES.get(request.tok, {}))})

    def GetSchema(self, request, context):
        return provider_pb2.GetSchemaResponse(schema="{}")

    def Cancel(self, request, context):
        return empty_pb2.Empty()


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(EchoProvider(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:  # the engine stops its plugins with SIGINT
        server.stop(grace=None)


if __name__ == "__main__":
    main()
