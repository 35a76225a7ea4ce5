using AotShim.GuestAgent.Network;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.GuestAgent.Rpc;

/// <summary>The network RPCs, over rtnetlink in the guest; one at a time, as kata's agent holds its sandbox lock.</summary>
internal static class NetworkRpcs
{
    private static readonly Lock Serial = new();

    public static void Register(TtrpcServer server)
    {
        Add(server, "UpdateInterface", UpdateInterfaceRequest.Parser, r => GuestInterfaces.Update(r.Interface));
        Add(server, "UpdateRoutes", UpdateRoutesRequest.Parser, r => GuestRoutes.Update(r.Routes));
        Add(server, "ListInterfaces", ListInterfacesRequest.Parser, _ => GuestInterfaces.List());
        Add(server, "ListRoutes", ListRoutesRequest.Parser, _ => GuestRoutes.List());
        Add(server, "AddARPNeighbors", AddARPNeighborsRequest.Parser, r =>
        {
            GuestNeighbours.Add(r.Neighbors);
            return new Empty();
        });
    }

    private static void Add<TRequest, TResponse>(TtrpcServer server, string method, Google.Protobuf.MessageParser<TRequest> parser, Func<TRequest, TResponse> handler)
        where TRequest : Google.Protobuf.IMessage<TRequest>
        where TResponse : Google.Protobuf.IMessage =>
        AgentRpc.Add(server, method, parser, (request, _) =>
        {
            lock (Serial)
            {
                return ValueTask.FromResult(handler(request));
            }
        });
}
