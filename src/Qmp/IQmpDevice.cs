namespace AotShim.Qmp;

/// <summary>device_add arguments: the driver and its properties, with the id device_del will name.</summary>
public interface IQmpDevice : IQmpArguments
{
    string Id { get; }
}
