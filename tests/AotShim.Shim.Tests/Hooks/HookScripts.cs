using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Hooks;

namespace AotShim.Shim.Tests.Hooks;

/// <summary>Hooks written as small sh scripts in a directory unique to one test, removed with it.</summary>
internal sealed class HookScripts : IDisposable
{
    private readonly TempDirectory _directory = new();

    public string Directory => _directory.Path;

    public static OciState State(OciStatus status = OciStatus.Creating) => new("c1", status, "/run/bundles/c1") { Pid = 4242 };

    /// <summary>An executable script whose body runs under /bin/sh; "{dir}" in the body is this test's directory.</summary>
    public string Script(string name, string body)
    {
        string path = _directory.File(name, "#!/bin/sh\n" + body.Replace("{dir}", Directory) + "\n");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("hooks run on Linux only");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public Hook Hook(string name, string body, long timeout = 0) => new() { Path = Script(name, body), Timeout = timeout };

    public string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>The pid a script wrote with "echo $$ > {dir}/NAME", once it has written it.</summary>
    public async Task<int> PidAsync(string name)
    {
        string path = PathOf(name);
        while (!File.Exists(path) || !File.ReadAllText(path).EndsWith('\n'))
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        return int.Parse(File.ReadAllText(path));
    }

    public void Dispose() => _directory.Dispose();
}
