namespace AotShim.Shim.Sandbox;

/// <summary>
/// Where containers run: the VM of a pod (and, in tests, the host). The task service talks only to this, as
/// containerd's runc shim talks to its container type and never to runc's internals. Disposing tears everything
/// down and may happen more than once.
/// </summary>
public interface ISandbox : IAsyncDisposable
{
    ValueTask<IContainer> CreateContainerAsync(ContainerRequest request, CancellationToken cancellationToken);
}
