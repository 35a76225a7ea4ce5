using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization.Metadata;
using AotShim.Native;

namespace AotShim.Qmp;

public sealed partial class QmpClient
{
    /// <summary>Runs a command without arguments whose "return" is not needed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ExecuteAsync(string command, TimeSpan? timeout = null, CancellationToken ct = default) =>
        await SendAsync<NoArguments, object>(command, default, null, null, timeout, ct).ConfigureAwait(false);

    /// <summary>Runs a command whose "return" is not needed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ExecuteAsync<TArguments>(string command, TArguments arguments, TimeSpan? timeout = null, CancellationToken ct = default)
        where TArguments : IQmpArguments =>
        await SendAsync<TArguments, object>(command, arguments, null, null, timeout, ct).ConfigureAwait(false);

    /// <summary>Runs a command without arguments; its "return" is deserialized straight from the receive buffer.</summary>
    public ValueTask<TResult> ExecuteAsync<TResult>(string command, JsonTypeInfo<TResult> resultType, TimeSpan? timeout = null, CancellationToken ct = default) =>
        SendAsync<NoArguments, TResult>(command, default, resultType, null, timeout, ct);

    /// <summary>
    /// Runs a command; its "return" is deserialized straight from the receive buffer into <typeparamref name="TResult"/>.
    /// QMP errors throw <see cref="QmpException"/>; no answer within the timeout (default <see cref="QmpClientOptions.CommandTimeout"/>)
    /// throws <see cref="TimeoutException"/> and the late answer is discarded when it comes.
    /// </summary>
    public ValueTask<TResult> ExecuteAsync<TArguments, TResult>(string command, TArguments arguments, JsonTypeInfo<TResult> resultType, TimeSpan? timeout = null, CancellationToken ct = default)
        where TArguments : IQmpArguments =>
        SendAsync(command, arguments, resultType, null, timeout, ct);

    /// <summary>Starts waiting for an event before the command that causes it is sent, so it cannot be missed.</summary>
    public QmpEventWaiter ExpectEvent(string name, Func<QmpEvent, bool>? match = null, string? description = null)
    {
        var waiter = new QmpEventWaiter(_waiters, name, match, description ?? name, _options.CommandTimeout);
        _waiters.Add(waiter);
        return waiter;
    }

    /// <summary>
    /// Runs a command with <paramref name="descriptor"/> attached as SCM_RIGHTS; QEMU keeps only the latest descriptors
    /// it received, so such commands run one at a time until answered.
    /// </summary>
    private async ValueTask ExecuteWithDescriptorAsync<TArguments>(string command, TArguments arguments, SafeHandle descriptor, TimeSpan? timeout, CancellationToken ct)
        where TArguments : IQmpArguments
    {
        await _descriptorLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await SendAsync<TArguments, object>(command, arguments, null, descriptor, timeout, ct).ConfigureAwait(false);
        }
        finally
        {
            _descriptorLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TResult> SendAsync<TArguments, TResult>(
        string command, TArguments arguments, JsonTypeInfo<TResult>? resultType, SafeHandle? descriptor, TimeSpan? timeout, CancellationToken ct)
        where TArguments : IQmpArguments
    {
        TimeSpan limit = timeout ?? _options.CommandTimeout;
        var pending = PendingCommand<TResult>.Rent(command, resultType, limit, ct);
        try
        {
            await WriteAsync(pending, arguments, descriptor, limit, pending.Deadline).ConfigureAwait(false);
            return await pending.Answer.ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (pending.Abandoned)
        {
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"QMP command '{command}' got no answer from {_endpoint} within {Durations.Describe(limit)}", e);
        }
        finally
        {
            pending.Return();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAsync<TArguments>(PendingCommand pending, TArguments arguments, SafeHandle? descriptor, TimeSpan limit, CancellationToken ct)
        where TArguments : IQmpArguments
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            pending.Id = ++_lastId;
            ReadOnlyMemory<byte> bytes = _writer.Format(pending.Command, arguments, pending.Id);
            _pending.Enqueue(pending);
            try
            {
                if (descriptor is not null)
                {
                    // QEMU's JSON parser skips whitespace: one space carries the descriptor just ahead of the command.
                    int milliseconds = limit == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Min(int.MaxValue, limit.TotalMilliseconds);
                    UnixRights.Send(_socket.SafeHandle, " "u8, [descriptor], milliseconds);
                }

                await _socket.SendAsync(bytes, SocketFlags.None, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Part of the command may be out and its slot is queued: the stream is out of step for good.
                Terminate(new QmpConnectionClosedException($"sending '{pending.Command}' to {_endpoint} failed; the connection is unusable", e));
                if (e is OperationCanceledException)
                {
                    throw;
                }
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
