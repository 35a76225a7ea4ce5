using AotShim.Shim.Sandbox;

namespace AotShim.Shim.Tasks;

/// <summary>A container the shim serves: its init process, its execs by id, and its bundle.</summary>
internal sealed class TaskContainer(IContainer container, string bundle, TaskProcess init)
{
    public IContainer Container { get; } = container;

    public string Bundle { get; } = bundle;

    public TaskProcess Init { get; } = init;

    public Dictionary<string, TaskProcess> Execs { get; } = [];
}
