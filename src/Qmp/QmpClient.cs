using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace AotShim.Qmp;

/// <summary>
/// One QMP connection to one QEMU: a receive loop feeds a pipe, a processing loop parses its lines in place,
/// commands are answered in order from a FIFO, events go to <see cref="Events"/> and to registered waiters.
/// </summary>
public sealed partial class QmpClient : IAsyncDisposable
{
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromMilliseconds(10);

    private readonly Socket _socket;
    private readonly string _endpoint;
    private readonly QmpClientOptions _options;
    private readonly Pipe _pipe;
    private readonly PendingCommands _pending = new();
    private readonly EventWaiters _waiters = new();
    private readonly Channel<QmpEvent> _events;
    private readonly TaskCompletionSource<QmpGreeting> _greeting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly QmpMessageDispatcher _dispatcher;
    private readonly QmpCommandWriter _writer = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _descriptorLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private Task _processing = Task.CompletedTask;
    private Exception? _receiveError;
    private long _lastId;
    private int _terminated;

    private QmpClient(Socket socket, string endpoint, QmpClientOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLineLength, 64, nameof(options.MaxLineLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EventCapacity, 1, nameof(options.EventCapacity));
        _socket = socket;
        _endpoint = endpoint;
        _options = options;

        // The writer pauses only beyond the longest allowed line, so an oversized line is seen, never a stall.
        long pause = options.MaxLineLength + 65536L;
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, useSynchronizationContext: false));
        _events = Channel.CreateBounded<QmpEvent>(new BoundedChannelOptions(options.EventCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleWriter = true,
        });
        _dispatcher = new QmpMessageDispatcher(_pending, _waiters, _events.Writer, _greeting);
    }

    /// <summary>What QEMU announced: its version and the capabilities it offered.</summary>
    public QmpGreeting Greeting => _greeting.Task.Result;

    /// <summary>Every asynchronous event in arrival order; completes when the connection ends.</summary>
    public ChannelReader<QmpEvent> Events => _events.Reader;

    /// <summary>Completes (never faults) once the connection has ended for any reason.</summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// Connects to QEMU's QMP socket, retrying while it does not exist or accept yet (it appears just after exec),
    /// waits for the greeting and negotiates capabilities, all within <see cref="QmpClientOptions.ConnectTimeout"/>.
    /// </summary>
    public static async ValueTask<QmpClient> ConnectAsync(string socketPath, QmpClientOptions? options = null, CancellationToken ct = default)
    {
        options ??= new QmpClientOptions();
        long started = Stopwatch.GetTimestamp();
        Socket socket = await ConnectSocketAsync(socketPath, options.ConnectTimeout, ct).ConfigureAwait(false);
        return await HandshakeAsync(socket, socketPath, options, Durations.Remaining(options.ConnectTimeout, started), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Speaks QMP over a socket that is already connected (e.g. to a listener the shim created and handed to QEMU
    /// as `-qmp unix:fd=3,server=on,wait=off`); the client owns the socket from here on.
    /// </summary>
    public static ValueTask<QmpClient> ConnectAsync(Socket socket, QmpClientOptions? options = null, CancellationToken ct = default)
    {
        options ??= new QmpClientOptions();
        string endpoint = socket.RemoteEndPoint?.ToString() is { Length: > 0 } remote ? remote : "QMP socket fd " + socket.Handle;
        return HandshakeAsync(socket, endpoint, options, options.ConnectTimeout, ct);
    }

    public async ValueTask DisposeAsync()
    {
        Terminate(new QmpConnectionClosedException($"the QMP client for {_endpoint} was disposed"));
        await Task.WhenAll(_receiving, _processing).ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async ValueTask<Socket> ConnectSocketAsync(string socketPath, TimeSpan timeout, CancellationToken ct)
    {
        long started = Stopwatch.GetTimestamp();
        var endpoint = new UnixDomainSocketEndPoint(socketPath);
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.ConnectionRefused)
            {
                socket.Dispose();
                if (Durations.Remaining(timeout, started) == TimeSpan.Zero)
                {
                    throw new TimeoutException($"QMP socket {socketPath} did not accept a connection within {Durations.Describe(timeout)}: {e.Message}", e);
                }

                await Task.Delay(ConnectRetryDelay, ct).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private static async ValueTask<QmpClient> HandshakeAsync(Socket socket, string endpoint, QmpClientOptions options, TimeSpan budget, CancellationToken ct)
    {
        var client = new QmpClient(socket, endpoint, options);
        client._receiving = client.ReceiveAsync();
        client._processing = client.ProcessAsync();
        try
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                await client._greeting.Task.WaitAsync(budget, ct).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new QmpProtocolException($"no QMP greeting from {endpoint} within {Durations.Describe(options.ConnectTimeout)}", e);
            }

            await client.ExecuteAsync("qmp_capabilities", Durations.Remaining(budget, started), ct).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Ends the connection once: every pending command, event wait and later call fails with an exception
    /// derived from <paramref name="reason"/> (a protocol error as is; anything else as "connection closed").
    /// </summary>
    private void Terminate(Exception? reason)
    {
        if (Interlocked.Exchange(ref _terminated, 1) != 0)
        {
            return;
        }

        reason ??= _receiveError;
        if (_greeting.TrySetException(reason as QmpProtocolException
            ?? new QmpProtocolException($"no QMP greeting from {_endpoint}: the connection closed first", reason)))
        {
            // Observed here: a handshake that already gave up will never read it.
            _ = _greeting.Task.Exception;
        }

        _pending.Close(command => command is null
            ? new QmpConnectionClosedException($"the QMP connection to {_endpoint} is closed", reason)
            : (Exception?)(reason as QmpProtocolException) ?? new QmpConnectionClosedException(
                $"the QMP connection to {_endpoint} closed before '{command.Command}' (id {command.Id}) was answered", reason));
        _waiters.Close(waiter => new QmpConnectionClosedException($"the QMP connection to {_endpoint} closed before {waiter.Description}", reason));
        _events.Writer.TryComplete();
        _stop.Cancel();
        _socket.Dispose();
        _completion.TrySetResult();
    }
}
