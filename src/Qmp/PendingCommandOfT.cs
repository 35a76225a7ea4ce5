using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks.Sources;

namespace AotShim.Qmp;

/// <summary>
/// A pending command whose "return" is deserialized into <typeparamref name="T"/>; without type info it is skipped.
/// The caller awaits it as a ValueTask; once both the caller and the reply FIFO are done with it, it is kept for the
/// next command of its type, so a command costs no allocation of its own.
/// </summary>
internal sealed class PendingCommand<T> : PendingCommand, IValueTaskSource<T>
{
    private static PendingCommand<T>? s_spare;

    private ManualResetValueTaskSourceCore<T> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenSource _deadline = new();
    private CancellationTokenRegistration _onDeadline;
    private CancellationTokenRegistration _onCaller;
    private JsonTypeInfo<T>? _returnType;
    private T? _value;
    private int _settled;
    private int _owners;

    private PendingCommand()
    {
    }

    /// <summary>Cancelled when the command's time is up or the caller cancels; the write waits on it too.</summary>
    public CancellationToken Deadline => _deadline.Token;

    /// <summary>The deadline passed or the caller cancelled: the answer is an OperationCanceledException, a late reply is skipped.</summary>
    public override bool Abandoned => _deadline.IsCancellationRequested;

    /// <summary>The answer; awaited once, by the caller that rented the command.</summary>
    public ValueTask<T> Answer => new(this, _core.Version);

    /// <summary>A command owned by the caller and (once enqueued) by the FIFO, failing with OperationCanceledException at its deadline.</summary>
    public static PendingCommand<T> Rent(string command, JsonTypeInfo<T>? returnType, TimeSpan limit, CancellationToken ct)
    {
        PendingCommand<T> pending = Interlocked.Exchange(ref s_spare, null) ?? new PendingCommand<T>();
        pending.Start(command, returnType, limit, ct);
        return pending;
    }

    public override void ReadReturn(ref Utf8JsonReader reader)
    {
        if (_returnType is null || Abandoned)
        {
            reader.Skip();
            return;
        }

        _value = JsonSerializer.Deserialize(ref reader, _returnType);
    }

    public override void Complete()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _core.SetResult(_value!);
        }

        Release();
    }

    public override void Fail(Exception exception)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _core.SetException(exception);
        }

        Release();
    }

    /// <summary>The caller is done: its deadline can no longer fire into a reused command.</summary>
    public void Return()
    {
        _onCaller.Dispose();
        _onDeadline.Dispose();
        Release();
    }

    public T GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Start(string command, JsonTypeInfo<T>? returnType, TimeSpan limit, CancellationToken ct)
    {
        Command = command;
        _returnType = returnType;
        _value = default;
        _settled = 0;
        _owners = 2;
        _core.Reset();
        if (!_deadline.TryReset())
        {
            _deadline.Dispose();
            _deadline = new CancellationTokenSource();
        }

        _onDeadline = _deadline.Token.UnsafeRegister(static state => ((PendingCommand<T>)state!).TimeUp(), this);
        _onCaller = ct.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _deadline);
        _deadline.CancelAfter(limit);
    }

    private void TimeUp()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _core.SetException(new OperationCanceledException(_deadline.Token));
        }
    }

    /// <summary>The second of caller and FIFO to let go keeps the command for reuse; one that never reaches both is simply collected.</summary>
    private void Release()
    {
        if (Interlocked.Decrement(ref _owners) == 0)
        {
            Volatile.Write(ref s_spare, this);
        }
    }
}
