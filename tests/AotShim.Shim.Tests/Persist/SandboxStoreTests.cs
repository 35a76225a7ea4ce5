using AotShim.Shim.Network;
using AotShim.Shim.Persist;

namespace AotShim.Shim.Tests.Persist;

/// <summary>/run/vc/sbs/ID/persist.json: round trip, atomic replacement, clear errors, idempotent removal.</summary>
public sealed class SandboxStoreTests : IDisposable
{
    private readonly string _id = "store-test-" + Guid.NewGuid().ToString("N")[..8];

    private static PodEndpoint Endpoint => new(
        new PodInterface("eth0", "02:00:00:00:00:01", 1500,
            [new PodAddress("10.1.2.3", 24), new PodAddress("fd00::3", 64)],
            [new PodRoute(null, 0, "10.1.2.1", null, 0, 3, false), new PodRoute("10.1.2.0", 24, null, "10.1.2.3", 253, 2, false)],
            [new PodNeighbour("10.1.2.9", "02:00:00:00:00:09", 0x80, 0)]),
        InterworkingModels.Macvtap, "macvtap0_kata", "02:00:00:00:00:01", "02:00:00:00:00:01");

    [Fact]
    public void What_is_written_reads_back_whole_and_no_temporary_file_stays()
    {
        var state = new SandboxState
        {
            SandboxId = _id,
            QemuPid = 1234,
            VirtioFsPid = 1235,
            Network = new NetworkState("/var/run/netns/x", [Endpoint]),
            Cgroups = ["/sys/fs/cgroup/memory/ecr_x"],
        };

        SandboxStore.Write(state);
        SandboxStore.Write(state with { QemuPid = 4321 });
        SandboxState? read = SandboxStore.Read(_id);

        Assert.NotNull(read);
        Assert.Equal(4321, read.QemuPid);
        Assert.Equal(1235, read.VirtioFsPid);
        Assert.Equal(state.Cgroups, read.Cgroups);
        PodEndpoint endpoint = Assert.Single(read.Network!.Endpoints);
        Assert.Equal(Endpoint.Veth.Addresses, endpoint.Veth.Addresses);
        Assert.Equal(Endpoint.Veth.Routes, endpoint.Veth.Routes);
        Assert.Equal(Endpoint.Veth.Neighbours, endpoint.Veth.Neighbours);
        Assert.Equal(Endpoint with { Veth = endpoint.Veth }, endpoint);
        Assert.Equal(["persist.json"], Directory.GetFiles(SandboxStore.DirectoryOf(_id)).Select(Path.GetFileName));
    }

    [Fact]
    public void A_sandbox_never_written_reads_as_null_and_removes_quietly()
    {
        Assert.Null(SandboxStore.Read(_id));
        SandboxStore.Remove(_id);
        Assert.False(Directory.Exists(SandboxStore.DirectoryOf(_id)));
    }

    [Fact]
    public void A_corrupt_state_file_names_itself()
    {
        Directory.CreateDirectory(SandboxStore.DirectoryOf(_id));
        string path = Path.Combine(SandboxStore.DirectoryOf(_id), "persist.json");
        File.WriteAllText(path, "{ \"sandboxId\": ");

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => SandboxStore.Read(_id));

        Assert.Contains(path, e.Message);
    }

    public void Dispose() => SandboxStore.Remove(_id);
}
