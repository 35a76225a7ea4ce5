using Google.Protobuf.WellKnownTypes;
using Runtimeoptions.V1;

namespace AotShim.Shim.Tasks;

/// <summary>Create's options: containerd's CRI plugin sends kata's runtimeoptions.v1.Options (ConfigPath) for the runtime.</summary>
public static class RuntimeOptions
{
    private const string TypeName = "runtimeoptions.v1.Options";

    /// <summary>ConfigPath when the options are kata's runtime options and set it; null otherwise.</summary>
    public static string? ConfigPath(Any? options)
    {
        // containerd's typeurl registry names it without the type.googleapis.com/ prefix.
        if (options is null || !(options.TypeUrl == TypeName || options.TypeUrl.EndsWith("/" + TypeName, StringComparison.Ordinal)))
        {
            return null;
        }

        string path = Options.Parser.ParseFrom(options.Value).ConfigPath;
        return path.Length == 0 ? null : path;
    }
}
