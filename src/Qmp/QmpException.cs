namespace AotShim.Qmp;

/// <summary>QEMU answered a command with {"error": {"class": ..., "desc": ...}}.</summary>
public sealed class QmpException : Exception
{
    public QmpException(string command, string errorClass, string description)
        : base($"QMP command '{command}' failed: {errorClass}: {description}")
    {
        Command = command;
        ErrorClass = errorClass;
        Description = description;
    }

    public string Command { get; }

    /// <summary>QEMU's error class, e.g. GenericError, DeviceNotFound, CommandNotFound.</summary>
    public string ErrorClass { get; }

    public string Description { get; }
}
