namespace AotShim.Shim.Network;

/// <summary>The values of [runtime] internetworking_model.</summary>
public static class InterworkingModels
{
    public const string TcFilter = "tcfilter";
    public const string Macvtap = "macvtap";
    public const string None = "none";
}
