namespace AotShim.Shim.Bootstrap;

/// <summary>
/// The serving shim's pid in the bundle ("shim.pid", as containerd's own shims write it). containerd runs `delete` as
/// soon as the connection drops, which is while a shim that got Shutdown may still be tearing its VM down:
/// `delete` waits for that shim to finish instead of racing it.
/// </summary>
public static class ShimPidFile
{
    public const string Name = "shim.pid";
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(20);

    public static void Write(string bundle) => File.WriteAllText(Path.Combine(bundle, Name), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Returns once the shim named in the bundle is gone (or never was); gives up after a bound and lets cleanup go ahead.</summary>
    public static void WaitUntilGone(string bundle, string shimId)
    {
        string path = Path.Combine(bundle, Name);
        if (!File.Exists(path) || !int.TryParse(File.ReadAllText(path).Trim(), out int pid) || pid == Environment.ProcessId)
        {
            return;
        }

        DateTime deadline = DateTime.UtcNow + ExitWait;
        while (IsShim(pid, shimId) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
    }

    /// <summary>Alive, not a zombie, and its argv names the shim id (a recycled pid does not).</summary>
    private static bool IsShim(int pid, string shimId)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return false;
            }

            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains(shimId);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
