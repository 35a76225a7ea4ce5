using AotShim.Shim.Agent.Protocol;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Agent;

/// <summary>Processes inside a container and their stdio. An empty exec id names the container's init process.</summary>
public sealed partial class AgentClient
{
    public async ValueTask ExecProcessAsync(ExecProcessRequest request, CancellationToken ct) =>
        await CallAsync("ExecProcess", request, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    public async ValueTask SignalProcessAsync(string containerId, string execId, int signal, CancellationToken ct) =>
        await CallAsync("SignalProcess", new SignalProcessRequest { ContainerId = containerId, ExecId = execId, Signal = (uint)signal }, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    /// <summary>Blocks until the process exits (no timeout) and returns its status.</summary>
    public async ValueTask<int> WaitProcessAsync(string containerId, string execId, CancellationToken ct) =>
        (await CallAsync("WaitProcess", new WaitProcessRequest { ContainerId = containerId, ExecId = execId }, WaitProcessResponse.Parser, null, ct).ConfigureAwait(false)).Status;

    public async ValueTask TtyWinResizeAsync(string containerId, string execId, uint rows, uint columns, CancellationToken ct) =>
        await CallAsync("TtyWinResize", new TtyWinResizeRequest { ContainerId = containerId, ExecId = execId, Row = rows, Column = columns }, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    public async ValueTask CloseStdinAsync(string containerId, string execId, CancellationToken ct) =>
        await CallAsync("CloseStdin", new CloseStdinRequest { ContainerId = containerId, ExecId = execId }, Empty.Parser, DefaultTimeout, ct).ConfigureAwait(false);

    /// <summary>Returns how many bytes of <paramref name="data"/> the agent took.</summary>
    public async ValueTask<uint> WriteStdinAsync(string containerId, string execId, ByteString data, CancellationToken ct) =>
        (await CallAsync("WriteStdin", new WriteStreamRequest { ContainerId = containerId, ExecId = execId, Data = data }, WriteStreamResponse.Parser, null, ct).ConfigureAwait(false)).Len;

    /// <summary>Blocks until output is available: up to <paramref name="length"/> bytes, or an error once the stream has ended.</summary>
    public async ValueTask<ByteString> ReadStdoutAsync(string containerId, string execId, uint length, CancellationToken ct) =>
        (await CallAsync("ReadStdout", new ReadStreamRequest { ContainerId = containerId, ExecId = execId, Len = length }, ReadStreamResponse.Parser, null, ct).ConfigureAwait(false)).Data;

    /// <summary>As <see cref="ReadStdoutAsync"/> for stderr.</summary>
    public async ValueTask<ByteString> ReadStderrAsync(string containerId, string execId, uint length, CancellationToken ct) =>
        (await CallAsync("ReadStderr", new ReadStreamRequest { ContainerId = containerId, ExecId = execId, Len = length }, ReadStreamResponse.Parser, null, ct).ConfigureAwait(false)).Data;
}
