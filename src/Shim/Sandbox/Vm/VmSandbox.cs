using AotShim.Shim.Agent;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Annotations;
using AotShim.Shim.Bootstrap;
using AotShim.Shim.Cli;
using AotShim.Shim.Compute;
using AotShim.Shim.Config;
using AotShim.Shim.Storage;

namespace AotShim.Shim.Sandbox.Vm;

/// <summary>
/// The product backend: the pod's containers run in one QEMU VM, booted at the first Create (the sandbox container,
/// or the only one under ctr) and torn down when the shim shuts down. Later Creates join the running VM.
/// </summary>
public sealed class VmSandbox(string sandboxId, Func<string, string?> environment, ShimLog shimLog) : ISandbox
{
    private readonly Action<string, string> _log = shimLog.Write;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private PodVm? _vm;
    private string? _netnsPath;

    public async ValueTask<IContainer> CreateContainerAsync(ContainerRequest request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await CreateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IContainer> CreateAsync(ContainerRequest request, CancellationToken ct)
    {
        var trace = new SandboxTrace();
        string configJson = Path.Combine(request.Bundle, "config.json");
        Spec spec = OciSpecReader.ReadSpec(File.ReadAllBytes(configJson), configJson);
        bool boots = _vm is null;

        // Every container's hooks run in the namespace the pod was created with, as kata's do.
        _netnsPath = boots ? NetnsPath(spec) : _netnsPath;
        var hooks = new ContainerHooks(spec.Hooks, request.Id, request.Bundle, spec, _netnsPath, _log);
        if (_vm is null)
        {
            Configuration configuration = LoadConfiguration(request, spec);
            if (configuration.Runtime.StaticSandboxResourceMgmt)
            {
                configuration = StaticSizing.Apply(configuration, StaticSizing.Workload(spec));
            }

            if (configuration.Runtime.EnableDebug)
            {
                shimLog.AlsoToSystemLog(new SystemLog(VersionInfo.ProductName));
            }

            trace.Mark("config");

            // Before the VM exists the shim is the process hosting the pod.
            await hooks.RunCreateAsync(Environment.ProcessId, ct).ConfigureAwait(false);
            var options = new PodVmOptions(spec.Hostname, _netnsPath, spec.Linux?.CgroupsPath, VolumeSettings.From(sandboxId, configuration, spec));
            _vm = await PodVm.BootAsync(sandboxId, configuration, options, trace, _log, ct).ConfigureAwait(false);
        }
        else if (_vm.Exited.IsCompleted)
        {
            throw new InvalidOperationException($"sandbox {sandboxId}: the VM has exited; container {request.Id} cannot join it");
        }
        else
        {
            await hooks.RunCreateAsync(_vm.Qemu.Pid, ct).ConfigureAwait(false);
            await _vm.RescanNetworkAsync(ct).ConfigureAwait(false);
        }

        PodVm vm = _vm;
        ContainerStorage? storage = null;
        try
        {
            storage = await ContainerStorage.CreateAsync(vm.Storage, request, spec, ct).ConfigureAwait(false);
            vm.Persist(storage.Record);
            trace.Mark("rootfs");

            await vm.ApplyResourcesAsync(request.Id, spec.Linux?.Resources, ct).ConfigureAwait(false);
            ForGuest(spec);
            trace.Mark("resources");

            var create = new CreateContainerRequest { ContainerId = request.Id, ExecId = request.Id, OCI = spec };
            create.Storages.Add(storage.Storages);
            await vm.Agent.CreateContainerAsync(create, ct).ConfigureAwait(false);
            trace.Mark("create_container");
        }
        catch
        {
            if (storage is not null)
            {
                await ReleaseStorageAsync(vm, storage, CancellationToken.None).ConfigureAwait(false);
            }

            if (!boots && !vm.Exited.IsCompleted)
            {
                await vm.ReleaseResourcesAsync(request.Id, CancellationToken.None).ConfigureAwait(false);
            }

            if (boots)
            {
                _vm = null;
                await vm.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        var init = new VmProcess(vm, request.Id, request.Id, request.Stdio, async ct =>
        {
            await vm.Agent.StartContainerAsync(request.Id, ct).ConfigureAwait(false);
            trace.Mark("start_container");
            _log("info", $"sandbox {sandboxId} container {request.Id} {trace}");
            await hooks.RunPoststartAsync(vm.Qemu.Pid, ct).ConfigureAwait(false);
        }, _log);
        return new VmContainer(vm, request, init, storage, hooks, _log);
    }

    /// <summary>Undoes the host side of a Create (devices, volumes, rootfs) and drops it from the persisted state.</summary>
    internal static async ValueTask ReleaseStorageAsync(PodVm vm, ContainerStorage storage, CancellationToken ct)
    {
        try
        {
            await storage.ReleaseAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            vm.Forget(storage.Record.ContainerId);
        }
    }

    /// <summary>The configuration file (annotation, runtime option, environment, defaults) with the pod's annotations applied.</summary>
    private Configuration LoadConfiguration(ContainerRequest request, Spec spec)
    {
        (string path, _) = ConfigFileResolver.Resolve(spec.Annotations.GetValueOrDefault(AnnotationKeys.ConfigPath), request.ConfigPath, environment);
        LoadedConfiguration loaded = ConfigLoader.Load(path);
        foreach (string warning in loaded.Warnings)
        {
            _log("warning", warning);
        }

        AnnotatedConfiguration annotated = SandboxAnnotations.Apply(loaded.Configuration, spec.Annotations);
        foreach (string warning in annotated.Warnings)
        {
            _log("warning", warning);
        }

        return annotated.Configuration;
    }

    /// <summary>The network namespace CNI made for the pod, if the spec joins one.</summary>
    private static string? NetnsPath(Spec spec) =>
        spec.Linux?.Namespaces.FirstOrDefault(n => n.Type == "network" && n.Path.Length > 0)?.Path;

    /// <summary>
    /// The guest has its own namespaces: host paths in the spec mean nothing there, and the container shares the VM's
    /// network (the pod's interfaces are moved into the guest), so the network namespace is dropped, as kata does.
    /// The OCI hooks are the host's and ran there; the guest runs those under guest_hook_path.
    /// </summary>
    private static void ForGuest(Spec spec)
    {
        spec.Hooks = null;
        if (spec.Linux is null)
        {
            return;
        }

        WithoutHostCpuset(spec.Linux.Resources);

        for (int i = spec.Linux.Namespaces.Count - 1; i >= 0; i--)
        {
            if (spec.Linux.Namespaces[i].Type == "network")
            {
                spec.Linux.Namespaces.RemoveAt(i);
            }
            else
            {
                spec.Linux.Namespaces[i].Path = "";
            }
        }
    }

    /// <summary>cpusets name host CPUs and memory nodes, which the guest does not have; the sandbox cgroup applies them (as kata's constrainGRPCSpec).</summary>
    internal static void WithoutHostCpuset(LinuxResources? resources)
    {
        if (resources?.CPU is { } cpu)
        {
            cpu.Cpus = "";
            cpu.Mems = "";
        }
    }

    /// <summary>Tears the VM down; a second call finds nothing left to do.</summary>
    public async ValueTask DisposeAsync()
    {
        PodVm? vm = Interlocked.Exchange(ref _vm, null);
        if (vm is not null)
        {
            await vm.DisposeAsync().ConfigureAwait(false);
        }
    }
}
