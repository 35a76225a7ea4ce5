using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>The last bytes of a log written since a given offset, for error messages.</summary>
internal static class LogTail
{
    public static string Read(string path, long from, int maxBytes)
    {
        try
        {
            using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long length = RandomAccess.GetLength(file);
            long start = Math.Max(from, length - maxBytes);
            byte[] buffer = new byte[Math.Max(0, length - start)];
            int read = RandomAccess.Read(file, buffer, start);
            return Encoding.UTF8.GetString(buffer, 0, read).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(log {path} unreadable: {e.Message})";
        }
    }
}
