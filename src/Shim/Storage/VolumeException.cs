namespace AotShim.Shim.Storage;

/// <summary>A container volume that could not be prepared or released; the message names the mount (destination and source).</summary>
public sealed class VolumeException(string message, Exception? inner = null) : Exception(message, inner);
