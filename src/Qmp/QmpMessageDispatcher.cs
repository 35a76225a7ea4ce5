using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace AotShim.Qmp;

/// <summary>
/// Parses one QMP line in place and routes it: the greeting, a reply for the head of the FIFO (its "return"
/// deserialized straight into the caller's type), or an event for the waiters and the events channel.
/// QEMU orders members as its hash table does ("id" may come first or last), so none is assumed to lead.
/// </summary>
internal sealed class QmpMessageDispatcher(
    PendingCommands pending,
    EventWaiters waiters,
    ChannelWriter<QmpEvent> events,
    TaskCompletionSource<QmpGreeting> greeting)
{
    public bool GreetingReceived => greeting.Task.IsCompletedSuccessfully;

    /// <summary>Handles one line (without its '\n'); a QmpProtocolException means the stream can no longer be trusted.</summary>
    public void Dispatch(in ReadOnlySequence<byte> line)
    {
        if (IsBlank(line))
        {
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(line);
            DispatchObject(ref reader, line);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new QmpProtocolException($"invalid QMP message from QEMU ({e.Message}): {Excerpt(line)}", e);
        }
    }

    /// <summary>The start of an offending line, for error messages only.</summary>
    internal static string Excerpt(in ReadOnlySequence<byte> line)
    {
        const int Limit = 160;
        ReadOnlySequence<byte> start = line.Length > Limit ? line.Slice(0, Limit) : line;
        return "'" + Encoding.UTF8.GetString(start).TrimEnd('\r') + (line.Length > Limit ? "...'" : "'");
    }

    private void DispatchObject(ref Utf8JsonReader reader, in ReadOnlySequence<byte> line)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new QmpProtocolException($"a QMP message must be a JSON object: {Excerpt(line)}");
        }

        var message = default(Message);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!ReadMember(ref reader, ref message, line))
            {
                return;
            }
        }

        // Anything after the object on the same line makes this throw.
        reader.Read();
        Route(ref message, line);
    }

    /// <summary>Reads one member; false when the reply was settled early because its value did not fit the caller's type.</summary>
    private bool ReadMember(ref Utf8JsonReader reader, ref Message message, in ReadOnlySequence<byte> line)
    {
        if (reader.ValueTextEquals("return"u8))
        {
            reader.Read();
            return ReadReturn(ref reader, ref message, line);
        }

        if (reader.ValueTextEquals("id"u8))
        {
            reader.Read();
            message.Id = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long id)
                ? id
                : throw new QmpProtocolException($"a reply id this client never sent: {Excerpt(line)}");
            CheckId(message, line);
        }
        else if (reader.ValueTextEquals("error"u8))
        {
            reader.Read();
            message.Error = JsonSerializer.Deserialize(ref reader, QmpJsonContext.Default.QmpError);
        }
        else if (reader.ValueTextEquals("event"u8))
        {
            reader.Read();
            message.Event = reader.GetString();
        }
        else if (reader.ValueTextEquals("data"u8))
        {
            reader.Read();
            message.Data = JsonElement.ParseValue(ref reader);
        }
        else if (reader.ValueTextEquals("timestamp"u8))
        {
            reader.Read();
            message.Timestamp = JsonSerializer.Deserialize(ref reader, QmpJsonContext.Default.QmpTimestamp);
        }
        else if (reader.ValueTextEquals("QMP"u8))
        {
            reader.Read();
            message.Greeting = JsonSerializer.Deserialize(ref reader, QmpJsonContext.Default.QmpGreeting);
        }
        else
        {
            reader.Read();
            reader.Skip();
        }

        return true;
    }

    private bool ReadReturn(ref Utf8JsonReader reader, ref Message message, in ReadOnlySequence<byte> line)
    {
        PendingCommand head = message.Head = Head(line);
        CheckId(message, line);
        try
        {
            head.ReadReturn(ref reader);
            message.IsReturn = true;
            return true;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // The line is whole, so the stream stays in step: only this command fails.
            pending.Dequeue();
            head.Fail(new QmpProtocolException($"the reply to '{head.Command}' (id {head.Id}) does not fit its result type ({e.Message}): {Excerpt(line)}", e));
            return false;
        }
    }

    private void Route(ref Message message, in ReadOnlySequence<byte> line)
    {
        if (message.Greeting is { } hello)
        {
            if (!greeting.TrySetResult(hello))
            {
                throw new QmpProtocolException($"a second QMP greeting: {Excerpt(line)}");
            }

            return;
        }

        if (!GreetingReceived)
        {
            throw new QmpProtocolException($"expected the QMP greeting {{\"QMP\": ...}} first, got: {Excerpt(line)}");
        }

        if (message.IsReturn || message.Error is not null)
        {
            PendingCommand head = message.Head ??= Head(line);
            CheckId(message, line);
            pending.Dequeue();
            if (message.Error is { } error)
            {
                head.Fail(new QmpException(head.Command, error.Class, error.Desc));
            }
            else
            {
                head.Complete();
            }

            return;
        }

        if (message.Event is { } name)
        {
            var qmpEvent = new QmpEvent(name, message.Data, message.Timestamp?.ToDateTimeOffset() ?? default);
            waiters.Deliver(qmpEvent);
            events.TryWrite(qmpEvent);
            return;
        }

        throw new QmpProtocolException($"neither a reply nor an event: {Excerpt(line)}");
    }

    private PendingCommand Head(in ReadOnlySequence<byte> line) =>
        pending.Peek() ?? throw new QmpProtocolException($"a reply arrived while no command was pending: {Excerpt(line)}");

    private static void CheckId(in Message message, in ReadOnlySequence<byte> line)
    {
        if (message is { Id: long id, Head: { } head } && id != head.Id)
        {
            throw new QmpProtocolException($"reply id {id} does not belong to the oldest pending command '{head.Command}' (id {head.Id}): {Excerpt(line)}");
        }
    }

    private static bool IsBlank(in ReadOnlySequence<byte> line)
    {
        foreach (ReadOnlyMemory<byte> segment in line)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What one line said, gathered member by member.</summary>
    private struct Message
    {
        public PendingCommand? Head;
        public bool IsReturn;
        public long? Id;
        public QmpError? Error;
        public string? Event;
        public JsonElement Data;
        public QmpTimestamp? Timestamp;
        public QmpGreeting? Greeting;
    }
}
