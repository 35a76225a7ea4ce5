using System.Runtime.InteropServices;
using AotShim.GuestAgent.Native;

namespace AotShim.GuestAgent.Processes;

/// <summary>
/// A process's stdin: the write end of its stdin pipe, or the pty master. Writes are serialized and run on the
/// thread pool since a full pipe blocks; closing waits for writes in flight.
/// </summary>
internal sealed class InputStream(SafeHandle target, bool terminal, string name)
{
    // VEOF (^D): what ends a terminal's input without hanging up the terminal, which would also end its output.
    private static readonly byte[] EndOfTransmission = [4];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _closed;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_closed)
            {
                throw new InvalidOperationException($"{name} is closed");
            }

            await Task.Run(() => GuestLibc.WriteAll(target, data.Span, name), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>End of input for the process; closing twice is fine.</summary>
    public async ValueTask CloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            if (terminal)
            {
                GuestLibc.WriteAll(target, EndOfTransmission, name);
            }
            else
            {
                target.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
