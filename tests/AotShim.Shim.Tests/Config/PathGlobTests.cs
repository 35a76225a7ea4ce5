using AotShim.Shim.Config;

namespace AotShim.Shim.Tests.Config;

/// <summary>Go's filepath.Match semantics, which kata applies to valid_* lists.</summary>
public sealed class PathGlobTests
{
    [Theory]
    [InlineData("/usr/bin/qemu-system-x86_64", "/usr/bin/qemu-system-x86_64", true)]
    [InlineData("/usr/bin/qemu-*", "/usr/bin/qemu-system-aarch64", true)]
    [InlineData("/usr/bin/*", "/usr/bin/sub/qemu", false)]
    [InlineData("/usr/*/qemu", "/usr/bin/qemu", true)]
    [InlineData("/usr/*", "/usr/", true)]
    [InlineData("/dev/?random", "/dev/urandom", true)]
    [InlineData("/dev/?random", "/dev/random", false)]
    [InlineData("/dev/[ur]random", "/dev/urandom", true)]
    [InlineData("/dev/[^u]random", "/dev/urandom", false)]
    [InlineData("/dev/[a-c]x", "/dev/bx", true)]
    [InlineData("/dev/[a-c]x", "/dev/dx", false)]
    [InlineData("/opt/\\*", "/opt/*", true)]
    [InlineData("/opt/\\*", "/opt/a", false)]
    [InlineData("", "", true)]
    [InlineData("", "/dev/urandom", false)]
    [InlineData("/a/*/c", "/a/b/d/c", false)]
    [InlineData("/a*", "/a/b", false)]
    public void Matches_like_go_filepath_match(string pattern, string name, bool expected) =>
        Assert.Equal(expected, PathGlob.IsMatch(pattern, name));

    [Theory]
    [InlineData("/usr/bin/[qemu", false)]
    [InlineData("/usr/bin/qemu\\", false)]
    [InlineData("/usr/bin/[]", false)]
    [InlineData("/usr/bin/[a-]", false)]
    [InlineData("/usr/bin/[ab]*", true)]
    [InlineData("/usr/libexec/virtiofsd", true)]
    public void Malformed_patterns_are_detected_even_when_matching_would_stop_early(string pattern, bool valid) =>
        Assert.Equal(valid, PathGlob.IsValid(pattern));
}
