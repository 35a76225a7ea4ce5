using System.Collections.Concurrent;
using AotShim.Shim.Tasks;
using Google.Protobuf;

namespace AotShim.Shim.Tests.Tasks;

/// <summary>Keeps every published event, in order.</summary>
internal sealed class RecordingPublisher : ITaskEventPublisher
{
    public ConcurrentQueue<(string Topic, IMessage Event)> Events { get; } = new();

    public IEnumerable<string> Topics => Events.Select(e => e.Topic);

    public void Publish(string topic, IMessage taskEvent) => Events.Enqueue((topic, taskEvent));
}
