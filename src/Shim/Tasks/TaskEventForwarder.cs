using System.Threading.Channels;
using AotShim.Shim.Ttrpc;
using Containerd.Services.Events.Ttrpc.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AotShim.Shim.Tasks;

/// <summary>
/// Forwards task events to containerd's Events/Forward on TTRPC_ADDRESS, in order, from one background loop, with
/// the namespace in the envelope and in the containerd-namespace metadata (as containerd's shim publisher does).
/// </summary>
public sealed class TaskEventForwarder : ITaskEventPublisher, IAsyncDisposable
{
    public const string Service = "containerd.services.events.ttrpc.v1.Events";

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private readonly Channel<Envelope> _queue = Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _ttrpcAddress;
    private readonly string _namespace;
    private readonly Dictionary<string, string> _metadata;
    private readonly Task _loop;

    public TaskEventForwarder(string ttrpcAddress, string ns)
    {
        _ttrpcAddress = ttrpcAddress.StartsWith("unix://", StringComparison.Ordinal) ? ttrpcAddress["unix://".Length..] : ttrpcAddress;
        _namespace = ns;
        _metadata = new() { ["containerd-namespace"] = ns };
        _loop = Task.Run(ForwardAsync);
    }

    /// <summary>Events the forwarder gave up on (containerd unreachable); the shim logs them.</summary>
    public event Action<string, Exception>? Dropped;

    public void Publish(string topic, IMessage taskEvent) => _queue.Writer.TryWrite(new Envelope
    {
        Timestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        Namespace = _namespace,
        Topic = topic,
        // containerd's type URLs carry no type.googleapis.com/ prefix.
        Event = new Any { TypeUrl = taskEvent.Descriptor.FullName, Value = taskEvent.ToByteString() },
    });

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task ForwardAsync()
    {
        TtrpcClient? client = null;
        await foreach (Envelope envelope in _queue.Reader.ReadAllAsync())
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    client ??= await TtrpcClient.ConnectAsync(_ttrpcAddress);
                    await client.CallAsync(Service, "Forward", new ForwardRequest { Envelope = envelope }, Empty.Parser, CallTimeout, _metadata);
                    break;
                }
                catch (Exception e) when (e is TtrpcException or IOException or System.Net.Sockets.SocketException or TimeoutException or ObjectDisposedException)
                {
                    if (client is not null)
                    {
                        await client.DisposeAsync();
                        client = null;
                    }

                    if (attempt == 3)
                    {
                        Dropped?.Invoke(envelope.Topic, e);
                        break;
                    }
                }
            }
        }

        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }
}
