using System.Diagnostics;
using AotShim.Shim.Compute;

namespace AotShim.Shim.Tests.Compute;

/// <summary>
/// The sandbox cgroup on this host's real cgroupfs (v1 controllers plus the v2 unified hierarchy): a child process
/// moves in, /proc/PID/cgroup shows it in every hierarchy, and removal leaves no directory behind.
/// </summary>
public sealed class SandboxCgroupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string UniqueName() => "ecr-test-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task A_child_moves_into_every_hierarchy_and_back_out_when_the_cgroup_is_removed()
    {
        IReadOnlyList<CgroupHierarchy> hierarchies = CgroupHierarchy.Mounted();
        string name = UniqueName();
        using Process child = Sleeper();
        string[] before = File.ReadAllLines($"/proc/{child.Id}/cgroup");
        try
        {
            SandboxCgroup cgroup = await SandboxCgroup.CreateAsync("sb", $"/{name}/pod/sandbox1", hierarchies);
            Assert.Equal($"/{name}/pod/ecr_sandbox1", cgroup.Path);

            cgroup.AddProcess(child.Id);

            string[] inside = File.ReadAllLines($"/proc/{child.Id}/cgroup");
            Assert.Equal(before.Length, inside.Length);
            Assert.All(inside, line => Assert.EndsWith(":" + cgroup.Path, line));
            Assert.Equal(hierarchies.Count * 3, cgroup.Directories.Count);
            Assert.All(hierarchies, h => Assert.Contains(child.Id.ToString(), File.ReadAllLines(h.Directory(cgroup.Path) + "/cgroup.procs")));

            await cgroup.RemoveAsync(Ct);

            Assert.Equal(before, File.ReadAllLines($"/proc/{child.Id}/cgroup"));
            Assert.All(hierarchies, h => Assert.False(Directory.Exists(h.Directory("/" + name))));
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync(Ct);
            await SandboxCgroup.RemoveLeftoversAsync(hierarchies.Select(h => h.Directory("/" + name)).ToArray(), Ct);
        }
    }

    [Fact]
    public async Task After_a_crash_the_persisted_directories_are_removed_with_a_process_still_inside()
    {
        // No dash: in a slice name each dash nests one more slice.
        string name = UniqueName().Replace("-", "");
        using Process child = Sleeper();
        SandboxCgroup cgroup = await SandboxCgroup.CreateAsync("sb", $"{name}.slice:ecr:sandbox1");
        try
        {
            Assert.Equal($"/{name}.slice/ecr-sandbox1.scope", cgroup.Path);
            cgroup.AddProcess(child.Id);
            string[] persisted = [.. cgroup.Directories];

            await SandboxCgroup.RemoveLeftoversAsync(persisted, Ct);

            Assert.All(persisted, directory => Assert.False(Directory.Exists(directory)));
            Assert.All(File.ReadAllLines($"/proc/{child.Id}/cgroup"), line => Assert.DoesNotContain(name, line));
            await SandboxCgroup.RemoveLeftoversAsync(persisted, Ct);
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync(Ct);
            await cgroup.RemoveAsync(Ct);
        }
    }

    [Fact]
    public async Task Removal_tolerates_a_process_that_exited_and_directories_already_gone()
    {
        using Process child = Sleeper();
        SandboxCgroup cgroup = await SandboxCgroup.CreateAsync(UniqueName(), null);
        Assert.StartsWith("/ecr_ecr-test-", cgroup.Path);
        cgroup.AddProcess(child.Id);
        child.Kill();
        await child.WaitForExitAsync(Ct);
        Directory.Delete(cgroup.Directories[0]);

        await cgroup.RemoveAsync(Ct);

        Assert.All(cgroup.Directories, directory => Assert.False(Directory.Exists(directory)));
    }

    [Fact]
    public async Task Moving_a_process_that_does_not_exist_names_the_process_and_the_cgroup()
    {
        SandboxCgroup cgroup = await SandboxCgroup.CreateAsync(UniqueName(), null);
        try
        {
            var e = Assert.ThrowsAny<IOException>(() => cgroup.AddProcess(int.MaxValue));

            Assert.Contains($"process {int.MaxValue} into sandbox cgroup {cgroup.Path}", e.Message);
        }
        finally
        {
            await cgroup.RemoveAsync(Ct);
        }
    }

    [Fact]
    public async Task The_overhead_cgroup_is_kata_overhead_slash_id_and_removal_keeps_the_shared_parent()
    {
        IReadOnlyList<CgroupHierarchy> hierarchies = CgroupHierarchy.Mounted();
        string id = UniqueName();
        SandboxCgroup overhead = await SandboxCgroup.CreateOverheadAsync(id, hierarchies);
        try
        {
            Assert.Equal($"/kata_overhead/{id}", overhead.Path);
            Assert.Equal(hierarchies.Select(h => h.Directory(overhead.Path)), overhead.Directories);
        }
        finally
        {
            await overhead.RemoveAsync(Ct);
        }

        Assert.All(hierarchies, h => Assert.False(Directory.Exists(h.Directory(overhead.Path))));
        Assert.All(hierarchies, h => Assert.True(Directory.Exists(h.Directory("/kata_overhead"))));
    }

    [Fact]
    public async Task A_thread_moves_alone_in_v1_hierarchies_and_takes_its_process_along_in_v2()
    {
        IReadOnlyList<CgroupHierarchy> hierarchies = CgroupHierarchy.Mounted();
        Assert.Contains(hierarchies, h => !h.Unified);
        using Process qemu = Process.Start(new ProcessStartInfo("qemu-system-x86_64", "-machine none -nodefaults -display none -S") { UseShellExecute = false })!;
        SandboxCgroup cgroup = await SandboxCgroup.CreateAsync(UniqueName(), null, hierarchies);
        try
        {
            int thread = await OtherThreadAsync(qemu.Id);

            cgroup.AddThread(thread);

            string[] moved = File.ReadAllLines($"/proc/{qemu.Id}/task/{thread}/cgroup");
            string[] leader = File.ReadAllLines($"/proc/{qemu.Id}/task/{qemu.Id}/cgroup");
            Assert.All(moved, line => Assert.EndsWith(":" + cgroup.Path, line));
            Assert.All(leader.Where(line => !line.StartsWith("0::", StringComparison.Ordinal)), line => Assert.DoesNotContain(cgroup.Path, line));
            Assert.All(leader.Where(line => line.StartsWith("0::", StringComparison.Ordinal)), line => Assert.EndsWith(":" + cgroup.Path, line));
        }
        finally
        {
            qemu.Kill();
            await qemu.WaitForExitAsync(Ct);
            await cgroup.RemoveAsync(Ct);
        }

        Assert.All(cgroup.Directories, directory => Assert.False(Directory.Exists(directory)));
    }

    [Fact]
    public async Task A_parent_another_sandbox_still_uses_is_left_to_it()
    {
        IReadOnlyList<CgroupHierarchy> hierarchies = CgroupHierarchy.Mounted();
        string name = UniqueName();
        SandboxCgroup first = await SandboxCgroup.CreateAsync("sb", $"/{name}/first", hierarchies);
        SandboxCgroup second = await SandboxCgroup.CreateAsync("sb", $"/{name}/second", hierarchies);
        try
        {
            await first.RemoveAsync(Ct);

            Assert.All(hierarchies, h => Assert.False(Directory.Exists(h.Directory(first.Path))));
            Assert.All(hierarchies, h => Assert.True(Directory.Exists(h.Directory(second.Path))));
        }
        finally
        {
            await second.RemoveAsync(Ct);
            await SandboxCgroup.RemoveLeftoversAsync(hierarchies.Select(h => h.Directory("/" + name)).ToArray(), Ct);
        }
    }

    /// <summary>A thread of <paramref name="pid"/> other than its leader (QEMU starts its RCU thread at once).</summary>
    private static async Task<int> OtherThreadAsync(int pid)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int[] threads = [.. Directory.GetDirectories($"/proc/{pid}/task").Select(t => int.Parse(Path.GetFileName(t))).Where(t => t != pid)];
            if (threads.Length > 0)
            {
                return threads[0];
            }

            await Task.Delay(50, Ct);
        }

        throw new InvalidOperationException($"process {pid} never started a second thread");
    }

    private static Process Sleeper() => Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
}
