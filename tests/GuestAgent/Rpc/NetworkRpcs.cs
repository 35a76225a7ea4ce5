using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;
using Google.Protobuf;

namespace AotShim.GuestAgent.Rpc;

/// <summary>The network RPCs answer Unimplemented until the guest gets networking.</summary>
internal static class NetworkRpcs
{
    public static void Register(TtrpcServer server)
    {
        Refuse(server, "UpdateInterface", UpdateInterfaceRequest.Parser);
        Refuse(server, "UpdateRoutes", UpdateRoutesRequest.Parser);
        Refuse(server, "ListInterfaces", ListInterfacesRequest.Parser);
        Refuse(server, "ListRoutes", ListRoutesRequest.Parser);
        Refuse(server, "AddARPNeighbors", AddARPNeighborsRequest.Parser);
    }

    private static void Refuse<TRequest>(TtrpcServer server, string method, MessageParser<TRequest> parser)
        where TRequest : IMessage<TRequest> =>
        server.Register<TRequest, Google.Protobuf.WellKnownTypes.Empty>(AgentRpc.Service, method, parser, (_, _) =>
            throw new TtrpcException(TtrpcStatusCode.Unimplemented, $"{method}: the test guest agent has no network support yet"));
}
