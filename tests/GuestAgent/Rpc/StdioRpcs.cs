using AotShim.GuestAgent.Processes;
using AotShim.GuestAgent.Sandbox;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.GuestAgent.Rpc;

/// <summary>
/// stdio of a process. ReadStdout/ReadStderr block until at least one byte is there and return at most len bytes;
/// once the stream has ended (every writer closed it, normally because the process exited) and all of it has
/// been read, they fail with INTERNAL "eof: ..." as kata's agent does, never with empty data. A terminal
/// process has only stdout; its ReadStderr ends at once. Output stays readable after WaitProcess.
/// </summary>
internal sealed class StdioRpcs(GuestSandbox sandbox)
{
    // Keeps every response well under TTRPC's 4 MiB message limit.
    private const int MaxRead = 1 << 20;
    public void Register(TtrpcServer server)
    {
        AgentRpc.Add(server, "WriteStdin", WriteStreamRequest.Parser, WriteAsync);
        AgentRpc.Add(server, "ReadStdout", ReadStreamRequest.Parser, (r, c) => ReadAsync(r, c, stdout: true));
        AgentRpc.Add(server, "ReadStderr", ReadStreamRequest.Parser, (r, c) => ReadAsync(r, c, stdout: false));
        AgentRpc.Add(server, "CloseStdin", CloseStdinRequest.Parser, CloseAsync);
        AgentRpc.Add(server, "TtyWinResize", TtyWinResizeRequest.Parser, (r, _) =>
        {
            Find(r.ContainerId, r.ExecId).Stdio.Resize(r.Row, r.Column);
            return ValueTask.FromResult(AgentRpc.Done);
        });
    }

    private async ValueTask<WriteStreamResponse> WriteAsync(WriteStreamRequest request, TtrpcContext context)
    {
        await Find(request.ContainerId, request.ExecId).Stdio.Stdin.WriteAsync(request.Data.Memory, context.CancellationToken).ConfigureAwait(false);
        return new WriteStreamResponse { Len = (uint)request.Data.Length };
    }

    private async ValueTask<ReadStreamResponse> ReadAsync(ReadStreamRequest request, TtrpcContext context, bool stdout)
    {
        if (request.Len == 0)
        {
            throw new TtrpcException(TtrpcStatusCode.InvalidArgument, "a read needs len > 0");
        }

        GuestProcess process = Find(request.ContainerId, request.ExecId);
        OutputStream? stream = stdout ? process.Stdio.Stdout : process.Stdio.Stderr;
        ByteString data = stream is null
            ? ByteString.Empty
            : await stream.ReadAsync((int)Math.Min(request.Len, MaxRead), context.CancellationToken).ConfigureAwait(false);
        return data.IsEmpty
            ? throw new TtrpcException(TtrpcStatusCode.Internal, $"eof: {(stdout ? "stdout" : "stderr")} of container {process.ContainerId} exec {process.ExecId} has ended")
            : new ReadStreamResponse { Data = data };
    }

    private async ValueTask<Empty> CloseAsync(CloseStdinRequest request, TtrpcContext context)
    {
        await Find(request.ContainerId, request.ExecId).Stdio.Stdin.CloseAsync().ConfigureAwait(false);
        return AgentRpc.Done;
    }

    private GuestProcess Find(string containerId, string execId) => sandbox.Find(containerId).Find(execId);
}
