using System.Text;
using System.Text.Json;
using AotShim.Shim.Hooks;

namespace AotShim.Shim.Tests.Hooks;

public sealed class OciStateTests
{
    [Fact]
    public void The_state_is_written_in_the_runtime_spec_member_order_and_spelling()
    {
        var state = new OciState("c1", OciStatus.Created, "/run/bundle")
        {
            Pid = 42,
            Annotations = new Dictionary<string, string> { ["a"] = "b" },
        };

        Assert.Equal("""{"ociVersion":"1.2.0","id":"c1","status":"created","pid":42,"bundle":"/run/bundle","annotations":{"a":"b"}}""", Write(state));
    }

    [Fact]
    public void A_zero_pid_and_empty_annotations_are_left_out_as_the_specs_go_state_omits_them()
    {
        var state = new OciState("c1", OciStatus.Stopped, "/run/bundle") { Annotations = new Dictionary<string, string>() };

        Assert.Equal("""{"ociVersion":"1.2.0","id":"c1","status":"stopped","bundle":"/run/bundle"}""", Write(state));
    }

    [Theory]
    [InlineData(OciStatus.Creating, "creating")]
    [InlineData(OciStatus.Created, "created")]
    [InlineData(OciStatus.Running, "running")]
    [InlineData(OciStatus.Stopped, "stopped")]
    public void Each_status_is_spelled_as_the_state_schema_enumerates_it(OciStatus status, string expected)
    {
        using JsonDocument json = JsonDocument.Parse(Write(new OciState("c1", status, "/b")));

        Assert.Equal(expected, json.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void The_spec_version_can_be_the_bundles_own()
    {
        Assert.StartsWith("""{"ociVersion":"1.0.2-dev",""", Write(new OciState("c1", OciStatus.Creating, "/b") { OciVersion = "1.0.2-dev" }));
    }

    private static string Write(OciState state) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(state, OciStateJsonContext.Default.OciState));
}
