using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.GuestAgent.Rpc;

/// <summary>grpc.Health: the shim's liveness probe and version query.</summary>
internal static class HealthRpcs
{
    public const string Service = "grpc.Health";

    // kata's agent reports its API version here; ours is the protocol revision it implements.
    private const string ApiVersion = "0.0.1";

    public static void Register(TtrpcServer server)
    {
        server.Register(Service, "Check", CheckRequest.Parser, (_, _) =>
            ValueTask.FromResult(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving }));
        server.Register(Service, "Version", CheckRequest.Parser, (_, _) =>
            ValueTask.FromResult(new VersionCheckResponse { AgentVersion = AgentInfo.Version, GrpcVersion = ApiVersion }));
    }
}
