using AotShim.Shim.Bootstrap;

namespace AotShim.Shim.Tests.Bootstrap;

public sealed class ShimArgumentsTests
{
    [Fact]
    public void Start_as_containerd_1_6_invokes_it()
    {
        var parsed = ShimArguments.Parse(["-namespace", "default", "-address", "/run/containerd/containerd.sock", "-publish-binary", "/usr/bin/containerd", "-id", "c1", "-debug", "start"]);

        Assert.Equal(new ShimArguments("default", "c1", "/run/containerd/containerd.sock", "/usr/bin/containerd", null, true, ShimAction.Start), parsed);
    }

    [Fact]
    public void Delete_carries_the_bundle()
    {
        var parsed = ShimArguments.Parse(["-namespace", "k8s.io", "-address", "/a.sock", "-publish-binary", "/c", "-id", "c1", "-bundle", "/run/b/c1", "delete"]);

        Assert.Equal(ShimAction.Delete, parsed.Action);
        Assert.Equal("/run/b/c1", parsed.Bundle);
        Assert.False(parsed.Debug);
    }

    [Fact]
    public void Go_flag_spellings_are_accepted_and_no_action_means_serve()
    {
        var parsed = ShimArguments.Parse(["--namespace=ns", "-address=/a.sock", "-id", "x", "-debug=false"]);

        Assert.Equal(("ns", "/a.sock", "x", ShimAction.Serve, false), (parsed.Namespace, parsed.Address, parsed.Id, parsed.Action, parsed.Debug));
    }

    [Theory]
    [InlineData(new[] { "-address", "/a", "-id", "x", "start" }, "flag -namespace is required")]
    [InlineData(new[] { "-namespace", "n", "-address", "/a", "-id" }, "flag -id needs a value")]
    [InlineData(new[] { "-namespace", "n", "-bogus", "1" }, "unknown flag -bogus")]
    [InlineData(new[] { "-namespace", "n", "-id", "x", "-address", "/a", "frob" }, "unexpected argument 'frob'")]
    public void Bad_command_lines_name_the_flag(string[] args, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ShimArguments.Parse(args));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void The_socket_is_containerds_hash_of_address_namespace_and_id()
    {
        string path = ShimSocket.PathFor("/run/containerd/containerd.sock", "default", "c1");

        Assert.Equal(Path.Combine("/run/containerd/s", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("/run/containerd/containerd.sock/default/c1"u8))), path);
        Assert.Equal("unix://" + path, ShimSocket.Address(path));
        Assert.NotEqual(path, ShimSocket.PathFor("/run/containerd/containerd.sock", "default", "c2"));
    }

    [Fact]
    public void The_socket_name_is_byte_identical_to_containerds()
    {
        // sha256("/run/containerd/containerd.sock/default/c1"), as containerd's shim.SocketAddress computes it.
        Assert.Equal("/run/containerd/s/d25aa4ef11a84e954e74a5bcff06557d0b6ea8d0c00243896f29826694bbd888",
            ShimSocket.PathFor("/run/containerd/containerd.sock", "default", "c1"));
    }
}
