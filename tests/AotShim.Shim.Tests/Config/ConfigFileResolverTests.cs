using AotShim.Shim.Config;

namespace AotShim.Shim.Tests.Config;

public sealed class ConfigFileResolverTests
{
    public static TheoryData<bool, bool, bool, bool, bool, string, ConfigSource> Precedence => new()
    {
        { true, true, true, true, true, "annotation", ConfigSource.Annotation },
        { false, true, true, true, true, "option", ConfigSource.ShimOption },
        { false, false, true, true, true, "ecr-env", ConfigSource.Environment },
        { false, false, false, true, true, "kata-env", ConfigSource.Environment },
        { false, false, false, false, true, "etc", ConfigSource.Default },
    };

    [Theory]
    [MemberData(nameof(Precedence))]
    public void Sources_are_taken_in_kata_order(bool annotation, bool option, bool ecrEnv, bool kataEnv, bool etc, string expected, ConfigSource source)
    {
        using var dir = new TempDirectory();
        string F(string name) => dir.File(name + ".toml", "");
        var env = new Dictionary<string, string>();
        if (ecrEnv)
        {
            env[ConfigFileResolver.EcrEnvironmentVariable] = F("ecr-env");
        }

        if (kataEnv)
        {
            env[ConfigFileResolver.KataEnvironmentVariable] = F("kata-env");
        }

        var (path, actualSource) = ConfigFileResolver.Resolve(
            annotation ? F("annotation") : null,
            option ? F("option") : null,
            name => env.GetValueOrDefault(name),
            [etc ? F("etc") : Path.Combine(dir.Path, "missing-etc.toml"), F("usr-share")]);

        Assert.Equal(Path.Combine(dir.Path, expected + ".toml"), path);
        Assert.Equal(source, actualSource);
    }

    [Fact]
    public void The_second_default_path_is_used_when_etc_has_none()
    {
        using var dir = new TempDirectory();
        string shared = dir.File("share.toml", "");

        var (path, _) = ConfigFileResolver.Resolve(null, null, _ => null, [Path.Combine(dir.Path, "etc.toml"), shared]);

        Assert.Equal(shared, path);
    }

    [Fact]
    public void A_missing_configuration_lists_every_path_tried()
    {
        using var dir = new TempDirectory();
        string etc = Path.Combine(dir.Path, "etc.toml"), share = Path.Combine(dir.Path, "share.toml");

        var e = Assert.Throws<ConfigException>(() => ConfigFileResolver.Resolve(null, null, _ => null, [etc, share]));

        Assert.Contains($"tried {etc}, {share}", e.Message);
    }

    [Fact]
    public void The_real_default_paths_are_etc_then_usr_share()
    {
        var e = Record.Exception(() => ConfigFileResolver.Resolve(null, null, _ => null));

        if (e is not null)
        {
            Assert.Contains("tried /etc/ecr/configuration.toml, /usr/share/defaults/ecr/configuration.toml", e.Message);
        }
    }

    [Theory]
    [InlineData("annotation io.katacontainers.config_path")]
    [InlineData("shim option ConfigPath")]
    [InlineData("environment variable ECR_CONF_FILE")]
    public void An_explicit_path_that_does_not_exist_names_where_it_came_from(string origin)
    {
        string missing = "/nonexistent/ecr/configuration.toml";
        Func<string, string?> env = name => origin.EndsWith(name) ? missing : null;

        var e = Assert.Throws<ConfigException>(() => ConfigFileResolver.Resolve(
            origin.StartsWith("annotation") ? missing : null,
            origin.StartsWith("shim") ? missing : null,
            env,
            []));

        Assert.Contains($"{missing} (from {origin}) does not exist", e.Message);
    }
}
