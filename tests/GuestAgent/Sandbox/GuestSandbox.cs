using AotShim.GuestAgent.Containers;
using AotShim.Shim.Ttrpc;

namespace AotShim.GuestAgent.Sandbox;

/// <summary>The agent's whole state: the storages it mounted and the containers by id.</summary>
internal sealed class GuestSandbox
{
    private readonly Dictionary<string, GuestContainer> _containers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private CancellationTokenSource _destroyed = new();

    public StorageMounts Storages { get; } = new();

    /// <summary>Fires when DestroySandbox has run: GetOOMEvent waits on it.</summary>
    public CancellationToken Destroyed => _destroyed.Token;

    /// <summary>CreateSandbox: a sandbox created after a destroyed one gets a new <see cref="Destroyed"/>.</summary>
    public void Open()
    {
        lock (_gate)
        {
            if (_destroyed.IsCancellationRequested)
            {
                _destroyed = new CancellationTokenSource();
            }
        }
    }

    public GuestContainer Find(string containerId)
    {
        lock (_gate)
        {
            return _containers.TryGetValue(containerId, out GuestContainer? container)
                ? container
                : throw new TtrpcException(TtrpcStatusCode.NotFound, $"container {containerId} not found");
        }
    }

    /// <summary>Claims an id for a container being created, so two creates with one id cannot race.</summary>
    public void Reserve(string containerId)
    {
        if (containerId.Length == 0 || containerId.Contains('/') || containerId is "." or "..")
        {
            throw new TtrpcException(TtrpcStatusCode.InvalidArgument, $"invalid container id \"{containerId}\"");
        }

        lock (_gate)
        {
            if (_containers.ContainsKey(containerId) || !_reserved.Add(containerId))
            {
                throw new TtrpcException(TtrpcStatusCode.AlreadyExists, $"container {containerId} already exists");
            }
        }
    }

    /// <summary>Ends a reservation, adding the container when its creation succeeded.</summary>
    public void Complete(string containerId, GuestContainer? created)
    {
        lock (_gate)
        {
            _reserved.Remove(containerId);
            if (created is not null)
            {
                _containers.Add(containerId, created);
            }
        }
    }

    public void Remove(string containerId)
    {
        lock (_gate)
        {
            _containers.Remove(containerId);
        }
    }

    public IReadOnlyList<GuestContainer> Containers()
    {
        lock (_gate)
        {
            return [.. _containers.Values];
        }
    }

    public void MarkDestroyed()
    {
        lock (_gate)
        {
            _destroyed.Cancel();
        }
    }
}
