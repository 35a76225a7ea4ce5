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
    public async Task The_process_sees_its_rootfs_hostname_cwd_and_user()
    {
        string id = "root-" + Guid.NewGuid().ToString("N")[..8];
        string rootfs = GuestRootfs.Create(guest.Vm, id);
        Process process = ContainerSpecs.Process("sh", "-c", "cat /etc/hostname; hostname; pwd; id -u; ls /");
        process.Cwd = "/tmp";
        process.User = new User { UID = 65534, GID = 65534 };

        await Agent.CallAsync("CreateContainer", ContainerSpecs.Create(id, rootfs, process));
        await Agent.CallAsync("StartContainer", new StartContainerRequest { ContainerId = id });

        string[] lines = (await Agent.ReadToEndAsync(id, id)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, await Agent.WaitAsync(id));
        Assert.Equal([$"rootfs-of-{id}", $"ctr-{id}", "/tmp", "65534"], lines[..4]);
        Assert.Equal(["bin", "dev", "etc", "proc", "root", "tmp"], lines[4..].Order());
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
        StatsContainerResponse stats = await Agent.CallAsync("StatsContainer", new StatsContainerRequest { ContainerId = id }, StatsContainerResponse.Parser);
        Assert.Equal(0ul, stats.CgroupStats.PidsStats.Current);
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
    public async Task Unknown_ids_are_not_found_and_network_calls_are_unimplemented()
    {
        var container = await Assert.ThrowsAsync<TtrpcException>(() => Agent.WaitAsync("no-such-container"));
        var network = await Assert.ThrowsAsync<TtrpcException>(() => Agent.CallAsync("ListInterfaces", new ListInterfacesRequest(), Interfaces.Parser));

        Assert.Equal((TtrpcStatusCode.NotFound, "container no-such-container not found"), (container.Code, container.Message));
        Assert.Equal(TtrpcStatusCode.Unimplemented, network.Code);
    }

    [Fact]
    public async Task Guest_details_report_the_memory_block_size()
    {
        GuestDetailsResponse details = await Agent.CallAsync("GetGuestDetails", new GuestDetailsRequest { MemBlockSize = true }, GuestDetailsResponse.Parser);

        Assert.Equal(128ul << 20, details.MemBlockSizeBytes);
        Assert.Contains("9p", details.AgentDetails.StorageHandlers);
    }
}
