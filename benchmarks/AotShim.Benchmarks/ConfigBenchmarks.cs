using System.Text.RegularExpressions;
using AotShim.Shim.Annotations;
using AotShim.Shim.Config;
using BenchmarkDotNet.Attributes;

namespace AotShim.Benchmarks;

/// <summary>
/// What a sandbox start pays for configuration: parsing the seed configuration.toml, and applying a pod's
/// io.katacontainers.config.* annotations to it.
/// </summary>
[MemoryDiagnoser]
public class ConfigBenchmarks
{
    private const string H = AnnotationKeys.HypervisorPrefix;
    private const string A = AnnotationKeys.AgentPrefix;
    private const string R = AnnotationKeys.RuntimePrefix;

    /// <summary>20 annotations that need no host files (no path-valued keys).</summary>
    private static readonly Dictionary<string, string> Annotations20 = new()
    {
        [H + "default_vcpus"] = "2",
        [H + "default_memory"] = "4096",
        [H + "default_max_vcpus"] = "8",
        [H + "memory_slots"] = "12",
        [H + "msize_9p"] = "65536",
        [H + "block_device_driver"] = "virtio-blk",
        [H + "shared_fs"] = "virtio-9p",
        [H + "virtio_fs_cache"] = "always",
        [H + "enable_iothreads"] = "true",
        [H + "enable_hugepages"] = "false",
        [H + "kernel_params"] = "quiet",
        [H + "cpu_features"] = "pmu=off",
        [H + "machine_accelerators"] = "",
        [H + "disable_vhost_net"] = "true",
        [H + "virtio_fs_extra_args"] = "[\"--thread-pool-size=2\"]",
        [H + "hotplug_vfio_on_root_bus"] = "false",
        [A + "kernel_modules"] = "e1000e InterruptThrottleRate=3000; i915",
        [A + "enable_tracing"] = "false",
        [A + "container_pipe_size"] = "65536",
        [R + "disable_guest_seccomp"] = "true",
    };

    private string seedPath = "";
    private string tempDirectory = "";
    private string allAnnotationsPath = "";
    private Configuration loaded = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (Annotations20.Count != 20)
        {
            throw new InvalidOperationException($"expected 20 annotations, have {Annotations20.Count}");
        }

        seedPath = Path.Combine(Repository.Root(), "tests", "fixtures", "seed-arm64-configuration.toml");

        // The seed enables only a few annotation names; a copy that enables all of them, in a directory of its own
        // so that no config.d drop-ins are picked up.
        tempDirectory = Directory.CreateTempSubdirectory("aotshim-bench-").FullName;
        allAnnotationsPath = Path.Combine(tempDirectory, "configuration.toml");
        string seed = File.ReadAllText(seedPath);
        string all = Regex.Replace(seed, @"^enable_annotations = \[.*\]$", "enable_annotations = [\".*\"]", RegexOptions.Multiline);
        if (all == seed)
        {
            throw new InvalidOperationException($"{seedPath} has no enable_annotations line to replace");
        }

        File.WriteAllText(allAnnotationsPath, all);
        loaded = ConfigLoader.Load(allAnnotationsPath).Configuration;

        // Measure the successful path only.
        AnnotatedConfiguration annotated = SandboxAnnotations.Apply(loaded, Annotations20);
        if (annotated.Configuration.Hypervisor.DefaultVcpus != 2 || annotated.Configuration.Hypervisor.SharedFs != "virtio-9p"
            || annotated.Configuration.Agent.KernelModules.Count != 2 || annotated.Warnings.Count != 0)
        {
            throw new InvalidOperationException("applying the 20 annotations did not give the expected configuration");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (tempDirectory.Length > 0)
        {
            Directory.Delete(tempDirectory, recursive: true);
        }
    }

    [Benchmark]
    public Configuration LoadSeedConfig() => ConfigLoader.Load(seedPath).Configuration;

    [Benchmark]
    public Configuration LoadSeedConfigAndApply20Annotations() =>
        SandboxAnnotations.Apply(ConfigLoader.Load(allAnnotationsPath).Configuration, Annotations20).Configuration;

    [Benchmark]
    public Configuration ApplyAnnotationsOnly() => SandboxAnnotations.Apply(loaded, Annotations20).Configuration;

    /// <summary>BenchmarkDotNet runs the benchmarks from a generated bin folder: walk up to the directory holding AotShim.sln.</summary>
}
