using AotShim.GuestAgent.Guest;
using AotShim.GuestAgent.Native;
using AotShim.GuestAgent.Sandbox;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.GuestAgent.Rpc;

/// <summary>
/// The guest-wide RPCs: details, clock, CPU/memory onlining, file copy, and GetOOMEvent, which has no OOM
/// source yet and so blocks until the sandbox is destroyed (or the call cancelled), then fails.
/// </summary>
internal sealed class GuestRpcs(GuestSandbox sandbox)
{
    public void Register(TtrpcServer server)
    {
        AgentRpc.Add(server, "GetGuestDetails", GuestDetailsRequest.Parser, (r, _) => ValueTask.FromResult(GuestDetails.Read(r)));
        AgentRpc.Add(server, "SetGuestDateTime", SetGuestDateTimeRequest.Parser, (r, _) =>
        {
            GuestLibc.SetTimeOfDay(r.Sec, r.Usec);
            return ValueTask.FromResult(AgentRpc.Done);
        });
        AgentRpc.Add(server, "OnlineCPUMem", OnlineCPUMemRequest.Parser, async (r, c) =>
        {
            await HotplugOnline.OnlineAsync(r, c.CancellationToken).ConfigureAwait(false);
            return AgentRpc.Done;
        });
        AgentRpc.Add(server, "CopyFile", CopyFileRequest.Parser, (r, _) =>
        {
            FileCopy.Write(r);
            return ValueTask.FromResult(AgentRpc.Done);
        });
        AgentRpc.Add(server, "GetOOMEvent", GetOOMEventRequest.Parser, WaitForOomAsync);
    }

    private async ValueTask<OOMEvent> WaitForOomAsync(GetOOMEventRequest request, TtrpcContext context)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(sandbox.Destroyed, context.CancellationToken);
        await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        context.CancellationToken.ThrowIfCancellationRequested();
        throw new TtrpcException(TtrpcStatusCode.Unavailable, "GetOOMEvent: the sandbox was destroyed");
    }
}
