using System.Collections.Concurrent;
using Subprocess = System.Diagnostics.Process;
using System.Net.Sockets;
using AotShim.Shim.Agent;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Sandbox;
using AotShim.Shim.Ttrpc;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Tests.Agent;

/// <summary>
/// containerd's stdin fifo into the agent as ctr drives it: ctr writes, then sends CloseIO and keeps its end open, and
/// that CloseIO may come at any point, even before the copy has started.
/// </summary>
public sealed class AgentStdioTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _temp = new();
    private readonly ConcurrentQueue<string> _agentSaw = new();
    private readonly TaskCompletionSource _stdinClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TtrpcServer _server = new();
    private readonly Socket _connection;
    private readonly AgentClient _agent;

    public AgentStdioTests()
    {
        string path = Path.Combine(_temp.Path, "agent.sock");
        _server.Register<WriteStreamRequest, WriteStreamResponse>(AgentClient.AgentService, "WriteStdin", WriteStreamRequest.Parser, (request, _) =>
        {
            _agentSaw.Enqueue($"write {request.ContainerId}/{request.ExecId} {request.Data.ToStringUtf8()}");
            return ValueTask.FromResult(new WriteStreamResponse { Len = (uint)request.Data.Length });
        });
        _server.Register<CloseStdinRequest, Empty>(AgentClient.AgentService, "CloseStdin", CloseStdinRequest.Parser, (request, _) =>
        {
            _agentSaw.Enqueue($"close {request.ContainerId}/{request.ExecId}");
            _stdinClosed.TrySetResult();
            return ValueTask.FromResult(new Empty());
        });
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        _ = _server.ServeAsync(listener);
        _connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _connection.Connect(new UnixDomainSocketEndPoint(path));
        _agent = new AgentClient(new TtrpcClient(_connection, path), path);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_CloseIO_before_the_copy_starts_closes_only_after_what_is_already_in_the_fifo()
    {
        string fifo = Fifo("stdin");
        var stdio = new AgentStdio(_agent, "c1", "e1", new ProcessStdio(fifo, "", "", Terminal: false));

        // Read-write, the open does not wait for a reader, so the bytes are in the fifo before the copy exists.
        await using var writer = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        writer.Write("hi\nthere\n"u8);
        await stdio.CloseInputAsync(Ct).WaitAsync(Patience, Ct);
        stdio.Start(Ct);

        await _stdinClosed.Task.WaitAsync(Patience, Ct);
        Assert.Equal(["write c1/e1 hi\nthere\n", "close c1/e1"], _agentSaw);
    }

    [Fact]
    public async Task A_CloseIO_with_the_writer_still_open_waits_for_the_bytes_already_in_the_fifo()
    {
        string fifo = Fifo("stdin");
        var stdio = new AgentStdio(_agent, "c2", "e2", new ProcessStdio(fifo, "", "", Terminal: false));
        stdio.Start(Ct);
        await using FileStream writer = await OpenWriterAsync(fifo);
        writer.Write("hi\nthere\n"u8);

        await stdio.CloseInputAsync(Ct).WaitAsync(Patience, Ct);

        Assert.Equal(["write c2/e2 hi\nthere\n", "close c2/e2"], _agentSaw);
    }

    [Fact]
    public async Task The_writers_EOF_closes_the_guests_stdin_after_the_data()
    {
        string fifo = Fifo("stdin");
        var stdio = new AgentStdio(_agent, "c3", "e3", new ProcessStdio(fifo, "", "", Terminal: false));
        stdio.Start(Ct);
        await using (FileStream writer = await OpenWriterAsync(fifo))
        {
            writer.Write("bye\n"u8);
        }

        await _stdinClosed.Task.WaitAsync(Patience, Ct);
        Assert.Equal(["write c3/e3 bye\n", "close c3/e3"], _agentSaw);
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private string Fifo(string name)
    {
        string path = Path.Combine(_temp.Path, name);
        using Subprocess mkfifo = Subprocess.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Opening a fifo for writing blocks until the reader has it open, as ctr's open does.</summary>
    private static Task<FileStream> OpenWriterAsync(string fifo) =>
        Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0), Ct).WaitAsync(Patience, Ct);
}
