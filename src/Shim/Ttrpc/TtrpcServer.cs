using System.Net.Sockets;
using Google.Protobuf;

namespace AotShim.Shim.Ttrpc;

/// <summary>
/// A TTRPC server on an already-listening socket (the shim's, inherited from `start`): register every method,
/// then serve; shutdown stops accepting, lets in-flight requests finish until its token fires, then closes.
/// </summary>
public sealed class TtrpcServer : IAsyncDisposable
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly TtrpcMethods _methods = new();
    private readonly HashSet<TtrpcServerConnection> _connections = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;
    private bool _shuttingDown;

    /// <summary>Adds one RPC, e.g. ("containerd.task.v2.Task", "State"); all must be added before <see cref="ServeAsync"/>.</summary>
    public void Register<TRequest, TResponse>(
        string service,
        string method,
        MessageParser<TRequest> parser,
        Func<TRequest, TtrpcContext, ValueTask<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(method);
        lock (_gate)
        {
            if (_listener is not null)
            {
                throw new InvalidOperationException("ttrpc: methods must be registered before the server starts serving");
            }

            _methods.Add(service, method, new TtrpcMethod<TRequest, TResponse>(parser, handler));
        }
    }

    /// <summary>
    /// Accepts connections on <paramref name="listener"/>, which the server owns from here on. The task ends when
    /// shutdown begins, or faults if the listener itself fails (connections already open keep being served).
    /// </summary>
    public Task ServeAsync(Socket listener)
    {
        lock (_gate)
        {
            if (_listener is not null || _shuttingDown)
            {
                throw new InvalidOperationException("ttrpc: the server is already serving or shut down");
            }

            _listener = listener;
        }

        _accepting = Task.Run(() => AcceptAsync(listener));
        return _accepting;
    }

    /// <summary>
    /// Serves one already-connected socket (an accepted vsock connection, say), which the server owns from here on;
    /// the task completes, never faulting, when that connection has ended. Shutdown drains it like accepted ones.
    /// </summary>
    public Task ServeConnectionAsync(Socket connected) => ServeConnection(new SocketTransport(connected), "ttrpc client fd " + connected.Handle);

    /// <summary>
    /// As <see cref="ServeConnectionAsync(Socket)"/> over a duplex stream. A virtio-serial port is left open with
    /// <paramref name="leaveOpen"/>: what the host sends while the guest has it closed is lost.
    /// </summary>
    public Task ServeConnectionAsync(Stream duplex, bool leaveOpen = false) => ServeConnection(new StreamTransport(duplex, leaveOpen), "ttrpc stream");

    /// <summary>
    /// Stops accepting, lets every in-flight request finish and its reply go out, then closes each connection;
    /// when <paramref name="ct"/> fires first, in-flight handlers are cancelled and connections closed at once.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken ct = default)
    {
        TtrpcServerConnection[] connections;
        lock (_gate)
        {
            _shuttingDown = true;
            connections = [.. _connections];
        }

        _stopAccepting.Cancel();
        _listener?.Dispose();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        var closed = new Task[connections.Length];
        for (int i = 0; i < connections.Length; i++)
        {
            connections[i].BeginDrain();
            closed[i] = connections[i].Completion;
        }

        Task all = Task.WhenAll(closed);
        try
        {
            await all.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            foreach (TtrpcServerConnection connection in connections)
            {
                connection.Abort();
            }

            await all.ConfigureAwait(false);
        }
    }

    /// <summary>Shuts down without waiting for in-flight requests.</summary>
    public ValueTask DisposeAsync() => new(ShutdownAsync(new CancellationToken(canceled: true)));

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopAccepting.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopAccepting.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e) when (IsTransient(e.SocketErrorCode))
            {
                // Out of descriptors or an aborted handshake: wait and accept again, as Go's Serve does.
                await Task.Delay(AcceptRetryDelay, _stopAccepting.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            if (!TryServe(new SocketTransport(socket), "ttrpc client fd " + socket.Handle, out _))
            {
                return;
            }
        }
    }

    private bool TryServe(ITtrpcTransport transport, string endpoint, out TtrpcServerConnection connection)
    {
        connection = new TtrpcServerConnection(transport, endpoint, _methods, Remove);
        lock (_gate)
        {
            if (_shuttingDown)
            {
                transport.Dispose();
                return false;
            }

            _connections.Add(connection);
        }

        connection.Start();
        return true;
    }

    private Task ServeConnection(ITtrpcTransport transport, string endpoint) =>
        TryServe(transport, endpoint, out TtrpcServerConnection connection)
            ? connection.Completion
            : throw new InvalidOperationException("ttrpc: the server is shut down");

    private static bool IsTransient(SocketError error) => error is SocketError.ConnectionAborted or SocketError.ConnectionReset
        or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable or SocketError.Interrupted;

    private void Remove(TtrpcServerConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }
}
