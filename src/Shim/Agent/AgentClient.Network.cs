using AotShim.Shim.Agent.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Agent;

/// <summary>The guest's network: interfaces, routes and neighbours the shim found in the pod's namespace.</summary>
public sealed partial class AgentClient
{
    public ValueTask<Interface> UpdateInterfaceAsync(Interface networkInterface, CancellationToken ct) =>
        CallAsync("UpdateInterface", new UpdateInterfaceRequest { Interface = networkInterface }, Interface.Parser, DefaultTimeout, ct);

    public ValueTask<Routes> UpdateRoutesAsync(Routes routes, CancellationToken ct) =>
        CallAsync("UpdateRoutes", new UpdateRoutesRequest { Routes = routes }, Routes.Parser, DefaultTimeout, ct);

    public ValueTask<Interfaces> ListInterfacesAsync(CancellationToken ct) =>
        CallAsync("ListInterfaces", new ListInterfacesRequest(), Interfaces.Parser, DefaultTimeout, ct);

    public ValueTask<Routes> ListRoutesAsync(CancellationToken ct) =>
        CallAsync("ListRoutes", new ListRoutesRequest(), Routes.Parser, DefaultTimeout, ct);

    public async ValueTask AddArpNeighborsAsync(ARPNeighbors neighbors, CancellationToken ct) =>
        await CallAsync("AddARPNeighbors", new AddARPNeighborsRequest { Neighbors = neighbors }, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);
}
