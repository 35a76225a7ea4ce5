using System.Buffers;
using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>
/// Formats {"execute": ..., "arguments": {...}, "id": N} into one reused buffer; used under the send lock only,
/// so a command whose arguments fail to write leaves nothing behind.
/// </summary>
internal sealed class QmpCommandWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    public QmpCommandWriter() => _json = new Utf8JsonWriter(_buffer);

    public ReadOnlyMemory<byte> Format<TArguments>(string command, TArguments arguments, long id)
        where TArguments : IQmpArguments
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("execute"u8, command);
        if (typeof(TArguments) != typeof(NoArguments))
        {
            _json.WriteStartObject("arguments"u8);
            arguments.WriteTo(_json);
            _json.WriteEndObject();
        }

        _json.WriteNumber("id"u8, id);
        _json.WriteEndObject();
        _json.Flush();
        "\r\n"u8.CopyTo(_buffer.GetSpan(2));
        _buffer.Advance(2);
        return _buffer.WrittenMemory;
    }
}
