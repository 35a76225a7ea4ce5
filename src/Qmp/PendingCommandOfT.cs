using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AotShim.Qmp;

/// <summary>A pending command whose "return" is deserialized into <typeparamref name="T"/>; without type info it is skipped.</summary>
internal sealed class PendingCommand<T> : PendingCommand
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly JsonTypeInfo<T>? _returnType;
    private T? _value;

    public PendingCommand(string command, JsonTypeInfo<T>? returnType)
        : base(command) => _returnType = returnType;

    public Task<T> Task => _completion.Task;

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
        if (!Abandoned)
        {
            _completion.TrySetResult(_value!);
        }
    }

    public override void Fail(Exception exception)
    {
        if (!Abandoned)
        {
            _completion.TrySetException(exception);
        }
    }
}
