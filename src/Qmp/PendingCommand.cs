using System.Text.Json;

namespace AotShim.Qmp;

/// <summary>A command sent and not yet answered: its slot in the reply FIFO.</summary>
internal abstract class PendingCommand
{
    public string Command { get; protected set; } = "";

    public long Id { get; set; }

    /// <summary>The caller gave up (timeout, cancellation): the slot stays so later replies still line up.</summary>
    public abstract bool Abandoned { get; }

    /// <summary>Reads the "return" value where the reader stands, straight into the caller's type.</summary>
    public abstract void ReadReturn(ref Utf8JsonReader reader);

    /// <summary>Hands over what <see cref="ReadReturn"/> read, once the whole reply line checked out; the FIFO is then done with the slot.</summary>
    public abstract void Complete();

    /// <summary>Fails the command; the FIFO is then done with the slot.</summary>
    public abstract void Fail(Exception exception);
}
