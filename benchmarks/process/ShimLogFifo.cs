using System.Runtime.InteropServices;
using System.Text;

namespace AotShim.ProcessBenchmarks;

/// <summary>
/// The bundle's `log` fifo that containerd creates and reads before it runs `start`: shim servers
/// (runc's, kata's) open it for writing at start-up and exit when they cannot. Opened O_RDWR so
/// neither side blocks in open(2); drained on a thread so the shim never blocks on a full pipe.
/// </summary>
internal sealed class ShimLogFifo : IDisposable
{
    private readonly FileStream stream;
    private readonly Thread reader;
    private readonly StringBuilder text = new();
    private volatile bool stopping;

    public ShimLogFifo(string bundle)
    {
        string path = Path.Combine(bundle, "log");
        if (mkfifo(path, 0b111_000_000) != 0)
        {
            throw new IOException($"mkfifo {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        stream = new FileStream(File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite), FileAccess.ReadWrite, bufferSize: 0);
        reader = new Thread(Drain) { IsBackground = true, Name = "shim log " + bundle };
        reader.Start();
    }

    /// <summary>What the shim logged so far.</summary>
    public string Text
    {
        get
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }

    public void Dispose()
    {
        stopping = true;
        stream.Write([(byte)'\n']); // wakes the blocked read
        reader.Join(TimeSpan.FromSeconds(2));
        stream.Dispose();
    }

    private void Drain()
    {
        var buffer = new byte[16384];
        while (!stopping)
        {
            int read;
            try
            {
                read = stream.Read(buffer);
            }
            catch (IOException)
            {
                return;
            }

            lock (text)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);
}
