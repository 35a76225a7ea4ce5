using System.Net;
using System.Net.Sockets;
using AotShim.Native.Netlink;

namespace AotShim.Shim.Network;

/// <summary>
/// Undoes what <see cref="PodNetwork"/> did from its persisted state alone: taps and macvtaps deleted, ingress qdiscs
/// removed, the veth's MAC, addresses and routes restored. A namespace already gone took all of it along.
/// </summary>
public static class NetworkCleanup
{
    private const byte KernelProtocol = 2;
    private const byte UnicastRoute = 1;
    private const byte MainTable = 254;

    /// <summary>Each step is tried whatever the others did; the problems are returned for the log.</summary>
    public static IReadOnlyList<string> Undo(NetworkState state)
    {
        var problems = new List<string>();
        if (state.Endpoints.Count == 0 || !File.Exists(state.NetnsPath))
        {
            return problems;
        }

        try
        {
            using NetworkNamespace netns = NetworkNamespace.Open(state.NetnsPath);
            netns.Run(() =>
            {
                using RouteNetlink netlink = RouteNetlink.Open();
                foreach (PodEndpoint endpoint in state.Endpoints)
                {
                    Undo(netlink, endpoint, problems);
                }
            });
        }
        catch (Exception e)
        {
            problems.Add($"network namespace {state.NetnsPath}: {e.Message}");
        }

        return problems;
    }

    private static void Undo(RouteNetlink netlink, PodEndpoint endpoint, List<string> problems)
    {
        LinkInfo? veth = netlink.FindLink(endpoint.Veth.Name);
        Try(problems, () =>
        {
            if (netlink.FindLink(endpoint.TapName) is LinkInfo tap)
            {
                netlink.DeleteLink(tap.Index);
            }
        });
        if (veth is null)
        {
            return;
        }

        if (endpoint.Model == InterworkingModels.Macvtap)
        {
            if (endpoint.VethMacBefore is string mac)
            {
                Try(problems, () => netlink.SetMac(veth.Index, Macs.Parse(mac)));
            }

            foreach (PodAddress address in endpoint.Veth.Addresses)
            {
                Try(problems, () => netlink.AddAddress(veth.Index, IPAddress.Parse(address.Address), address.PrefixLength));
            }

            // The kernel brought the addresses' own routes back; gateway routes need those first.
            foreach (PodRoute route in endpoint.Veth.Routes.Where(r => r.Protocol != KernelProtocol).OrderBy(r => r.Gateway is null ? 0 : 1))
            {
                Try(problems, () => netlink.AddRoute(ToRouteInfo(route, veth.Index)));
            }
        }
        else
        {
            Try(problems, () => netlink.DeleteIngressQdisc(veth.Index));
        }
    }

    private static RouteInfo ToRouteInfo(PodRoute route, int linkIndex) => new(
        route.IsV6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork,
        route.Destination is null ? null : IPAddress.Parse(route.Destination),
        route.Destination is null ? 0 : route.PrefixLength,
        route.Gateway is null ? null : IPAddress.Parse(route.Gateway),
        route.Source is null ? null : IPAddress.Parse(route.Source),
        linkIndex,
        route.Scope,
        route.Protocol,
        UnicastRoute,
        MainTable);

    private static void Try(List<string> problems, Action step)
    {
        try
        {
            step();
        }
        catch (Exception e)
        {
            problems.Add(e.Message);
        }
    }
}
