namespace AotShim.Shim.Bootstrap;

/// <summary>
/// The shim v2 command line as containerd's shim.Run parses it with Go's flag package:
/// `-namespace NS -address SOCK -publish-binary BIN -id ID [-bundle DIR] [-debug] [start|delete]`.
/// </summary>
public sealed record ShimArguments(string Namespace, string Id, string Address, string PublishBinary, string? Bundle, bool Debug, ShimAction Action)
{
    public static ShimArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool debug = false;
        var action = ShimAction.Serve;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "start" or "delete")
            {
                action = arg == "start" ? ShimAction.Start : ShimAction.Delete;
                continue;
            }

            if (!arg.StartsWith('-') || arg == "-" || arg == "--")
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }

            // Go's flag package accepts -name, --name, -name=value and "-name value".
            string name = arg.TrimStart('-');
            string? value = null;
            int equals = name.IndexOf('=');
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name is "debug" or "v")
            {
                debug |= name == "debug" && value is null or "true" or "1";
                continue;
            }

            if (name is not ("namespace" or "id" or "address" or "publish-binary" or "bundle" or "socket"))
            {
                throw new ArgumentException($"unknown flag -{name}");
            }

            values[name] = value ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"flag -{name} needs a value"));
        }

        string Required(string name) =>
            values.TryGetValue(name, out string? v) && v.Length > 0 ? v : throw new ArgumentException($"flag -{name} is required");

        return new ShimArguments(
            Required("namespace"),
            Required("id"),
            action == ShimAction.Delete ? values.GetValueOrDefault("address", "") : Required("address"),
            values.GetValueOrDefault("publish-binary", ""),
            values.GetValueOrDefault("bundle"),
            debug,
            action);
    }
}
