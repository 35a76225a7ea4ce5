using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.EndToEnd.Tests.Guest;

/// <summary>
/// The test guest's agent driven over the kata agent protocol as the shim will drive it: one x64 boot (QEMU TCG,
/// virtio-serial agent.channel.0, 9p shared directory) for the class, a fresh container per test.
/// </summary>
public sealed class GuestAgentX64Tests(X64GuestAgentFixture guest) : IClassFixture<X64GuestAgentFixture>
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private GuestAgentClient Agent => guest.Agent;

    [Fact]
    public async Task Health_check_answers_serving_and_version_names_the_agent()
    {
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await Agent.CheckAsync()).Status);
        VersionCheckResponse version = await Agent.VersionAsync();
        Assert.StartsWith("0.1.0", version.AgentVersion);
        Assert.NotEmpty(version.GrpcVersion);
    }

    [Fact]
    public async Task A_container_process_gets_its_stdout_stderr_and_exit_code_back()
    {
        string id = "out-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);

        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, ContainerSpecs.Process("sh", "-c", "echo hi; echo err >&2; exit 3")));
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        Assert.Equal("hi\n", await Agent.ReadToEndAsync(id, id));
        Assert.Equal("err\n", await Agent.ReadToEndAsync(id, id, stdout: false));
        Assert.Equal(3, await Agent.WaitAsync(id));
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task The_process_sees_its_rootfs_hostname_cwd_and_user_and_starts_with_default_signals()
    {
        string id = "root-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        Process process = ContainerSpecs.Process("sh", "-c", "cat /etc/hostname; hostname; pwd; id -u; grep -E '^Sig(Blk|Ign)' /proc/self/status; ls /");
        process.Cwd = "/tmp";
        process.User = new User { UID = 65534, GID = 65534 };

        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, process));
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        string[] lines = (await Agent.ReadToEndAsync(id, id)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, await Agent.WaitAsync(id));
        Assert.Equal([$"rootfs-of-{id}", $"ctr-{id}", "/tmp", "65534", "SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"], lines[..6]);
        Assert.Equal(["bin", "dev", "etc", "proc", "root", "tmp"], lines[6..].Order());
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task An_exec_runs_in_the_running_container_with_stdin_and_a_signal_ends_the_init_process()
    {
        string id = "exec-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, ContainerSpecs.Process("sleep", "1000")));
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        await Agent.CallAsync("ExecProcess", new ExecProcessRequest { ContainerId = id, ExecId = "cat", Process = ContainerSpecs.Process("sh", "-c", "cat; cat /etc/hostname") });
        WriteStreamResponse written = await Agent.CallAsync("WriteStdin", new WriteStreamRequest { ContainerId = id, ExecId = "cat", Data = Google.Protobuf.ByteString.CopyFromUtf8("from stdin\n") }, WriteStreamResponse.Parser);
        await Agent.CallAsync("CloseStdin", new CloseStdinRequest { ContainerId = id, ExecId = "cat" });

        Assert.Equal(11u, written.Len);
        Assert.Equal($"from stdin\nrootfs-of-{id}\n", await Agent.ReadToEndAsync(id, "cat"));
        Assert.Equal(0, await Agent.WaitAsync(id, "cat"));

        await Agent.CallAsync("SignalProcess", new SignalProcessRequest { ContainerId = id, ExecId = id, Signal = SigTerm });
        Assert.Equal(128 + SigTerm, await Agent.WaitAsync(id));
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task Signalling_with_an_empty_exec_id_reaches_every_process_of_the_container()
    {
        string id = "all-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, ContainerSpecs.Process("sh", "-c", "sleep 1000 & sleep 1000 & echo started; wait")));
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });
        await Agent.CallAsync("ExecProcess", new ExecProcessRequest { ContainerId = id, ExecId = "sleeper", Process = ContainerSpecs.Process("sleep", "1000") });
        Assert.Equal("started\n", (await Agent.CallAsync("ReadStdout", new ReadStreamRequest { ContainerId = id, ExecId = id, Len = 100 }, ReadStreamResponse.Parser)).Data.ToStringUtf8());

        await Agent.CallAsync("SignalProcess", new SignalProcessRequest { ContainerId = id, ExecId = "", Signal = SigKill });

        Assert.Equal(128 + SigKill, await Agent.WaitAsync(id));
        Assert.Equal(128 + SigKill, await Agent.WaitAsync(id, "sleeper"));
        Assert.Equal("", await Agent.ReadToEndAsync(id, id));
        Assert.Equal(0ul, await Agent.PidsSettlingAtAsync(id, 0));
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task A_terminal_process_gets_a_pty_that_follows_window_resizes()
    {
        string id = "tty-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        Process process = ContainerSpecs.Process("sh", "-c", "read line; tty; stty size; echo got $line");
        process.Terminal = true;
        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, process));
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        await Agent.CallAsync("TtyWinResize", new TtyWinResizeRequest { ContainerId = id, ExecId = id, Row = 33, Column = 111 });
        await Agent.CallAsync("WriteStdin", new WriteStreamRequest { ContainerId = id, ExecId = id, Data = Google.Protobuf.ByteString.CopyFromUtf8("typed\n") }, WriteStreamResponse.Parser);

        string output = await Agent.ReadToEndAsync(id, id);
        Assert.Equal(0, await Agent.WaitAsync(id));
        Assert.Matches(@"/dev/pts/\d+\r\n33 111\r\ngot typed\r\n$", output);
        Assert.Equal("", await Agent.ReadToEndAsync(id, id, stdout: false));
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task Pause_freezes_the_container_and_resume_thaws_it()
    {
        string id = "pause-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, ContainerSpecs.Process("sh", "-c", "read line; echo $line")));
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        await Agent.CallAsync("PauseContainer", new PauseContainerRequest { ContainerId = id });
        await Agent.CallAsync("WriteStdin", new WriteStreamRequest { ContainerId = id, ExecId = id, Data = Google.Protobuf.ByteString.CopyFromUtf8("thawed\n") }, WriteStreamResponse.Parser);
        Task<string> output = Agent.ReadToEndAsync(id, id);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.False(output.IsCompleted);

        await Agent.CallAsync("ResumeContainer", new ResumeContainerRequest { ContainerId = id });
        Assert.Equal("thawed\n", await output);
        Assert.Equal(0, await Agent.WaitAsync(id));
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task A_missing_program_fails_StartContainer_with_the_reason()
    {
        string id = "missing-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, ContainerSpecs.Process("no-such-program")));

        var e = await Assert.ThrowsAsync<TtrpcException>(() => Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id }));

        Assert.Contains("\"no-such-program\": executable file not found in $PATH", e.Message);
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task Unknown_ids_are_not_found_and_a_guest_without_a_nic_lists_only_loopback()
    {
        var container = await Assert.ThrowsAsync<TtrpcException>(() => Agent.WaitAsync("no-such-container"));
        Interfaces interfaces = await Agent.CallAsync("ListInterfaces", new ListInterfacesRequest(), Interfaces.Parser);

        Assert.Equal((TtrpcStatusCode.NotFound, "container no-such-container not found"), (container.Code, container.Message));
        Interface lo = Assert.Single(interfaces.Interfaces_);
        Assert.Equal(("lo", "00:00:00:00:00:00"), (lo.Name, lo.HwAddr));
        Assert.Contains(lo.IPAddresses, a => a.Address == "127.0.0.1" && a.Mask == "8");
    }

    [Fact]
    public async Task A_copied_file_reaches_a_container_through_a_bind_mount_of_the_spec()
    {
        string id = "copy-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        string directory = "/run/ecr-copy-" + id;
        foreach ((long offset, string chunk) in ((long, string)[])[(0, "first half,"), (11, " second half\n")])
        {
            await Agent.CallAsync("CopyFile", new CopyFileRequest
            {
                Path = directory + "/data.txt", FileSize = 24, FileMode = 0x8000 | 0x1A0, DirMode = 0x41ED, Uid = 65534, Gid = 65534,
                Offset = offset, Data = Google.Protobuf.ByteString.CopyFromUtf8(chunk),
            });
        }

        CreateContainerRequest create = ContainerSpecs.Create(id, rootfs, ContainerSpecs.Process("sh", "-c", "cat /copied/data.txt; stat -c '%a %u %g' /copied/data.txt"));
        create.OCI.Mounts.Add(new Mount { Destination = "/copied", Source = directory, Type = "bind", Options = { "rbind", "ro" } });
        await Agent.CallAsync("CreateContainer", create);
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        Assert.Equal("first half, second half\n640 65534 65534\n", await Agent.ReadToEndAsync(id, id));
        Assert.Equal(0, await Agent.WaitAsync(id));
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task UpdateContainer_applies_limits_that_StatsContainer_reports()
    {
        string id = "limits-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, ContainerSpecs.Process("sleep", "1000")));
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        await Agent.CallAsync("UpdateContainer", new UpdateContainerRequest
        {
            ContainerId = id,
            Resources = new LinuxResources { Memory = new LinuxMemory { Limit = 64 << 20 }, Pids = new LinuxPids { Limit = 20 }, CPU = new LinuxCPU { Quota = 50000, Period = 100000 } },
        });
        StatsContainerResponse stats = await Agent.CallAsync("StatsContainer", new StatsContainerRequest { ContainerId = id }, StatsContainerResponse.Parser);
        var refused = await Assert.ThrowsAsync<TtrpcException>(() => Agent.CallAsync("UpdateContainer", new UpdateContainerRequest
        {
            ContainerId = id,
            Resources = new LinuxResources { HugepageLimits = { new LinuxHugepageLimit { Pagesize = "2MB", Limit = 1 << 21 } } },
        }));

        Assert.Equal((64ul << 20, 20ul, 1ul), (stats.CgroupStats.MemoryStats.Usage.Limit, stats.CgroupStats.PidsStats.Limit, stats.CgroupStats.PidsStats.Current));
        Assert.True(stats.CgroupStats.MemoryStats.Usage.Usage > 0);
        Assert.Equal(TtrpcStatusCode.Unimplemented, refused.Code);
        await Agent.CallAsync("SignalProcess", new SignalProcessRequest { ContainerId = id, ExecId = id, Signal = SigKill });
        Assert.Equal(128 + SigKill, await Agent.WaitAsync(id));
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task The_guest_clock_can_be_set_and_online_cpus_are_confirmed()
    {
        string id = "clock-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await Agent.CallAsync("SetGuestDateTime", new SetGuestDateTimeRequest { Sec = now, Usec = 0 });
        await Agent.CallAsync("OnlineCPUMem", new OnlineCPUMemRequest { Wait = true, NbCpus = 1 });
        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, ContainerSpecs.Process("date", "+%s")));
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        long guestNow = long.Parse(await Agent.ReadToEndAsync(id, id));
        Assert.InRange(guestNow, now, now + 60);
        await Agent.CallAsync("RemoveContainer", new RemoveContainerRequest { ContainerId = id });
    }

    [Fact]
    public async Task Guest_details_report_the_memory_block_size()
    {
        GuestDetailsResponse details = await Agent.CallAsync("GetGuestDetails", new GuestDetailsRequest { MemBlockSize = true }, GuestDetailsResponse.Parser);

        Assert.Equal(128ul << 20, details.MemBlockSizeBytes);
        Assert.Contains("9p", details.AgentDetails.StorageHandlers);
    }
}
