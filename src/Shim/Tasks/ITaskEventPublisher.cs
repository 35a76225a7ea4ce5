using Google.Protobuf;

namespace AotShim.Shim.Tasks;

/// <summary>Sends task events to containerd (Events/Forward on TTRPC_ADDRESS); never blocks the RPC that raised them.</summary>
public interface ITaskEventPublisher
{
    void Publish(string topic, IMessage taskEvent);
}
