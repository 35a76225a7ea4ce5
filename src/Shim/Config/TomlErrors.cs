using System.Text.RegularExpressions;
using Tomlyn;

namespace AotShim.Shim.Config;

/// <summary>Turns Tomlyn's exceptions into "file:line:column: key: what is wrong".</summary>
internal static partial class TomlErrors
{
    public static ConfigException Describe(TomlException exception, string text, string path)
    {
        string reason = Innermost(exception.Message);
        if (exception.Line is not int line)
        {
            return new ConfigException($"{path}: {reason}");
        }

        string location = $"{path}:{line}:{exception.Column ?? 0}";
        Match type = TargetType().Match(exception.Message);
        if (!type.Success)
        {
            return new ConfigException($"{location}: TOML syntax error: {reason}");
        }

        string key = new TomlKeyLocator(text, path).KeyAt(line) ?? "a value";
        return new ConfigException($"{location}: {key} has the wrong type: expected {FriendlyType(type.Groups[1].Value)} ({reason})");
    }

    private static string Innermost(string message)
    {
        const string Marker = "error : ";
        int at = message.LastIndexOf(Marker, StringComparison.Ordinal);
        return (at < 0 ? message : message[(at + Marker.Length)..]).Trim();
    }

    private static string FriendlyType(string clrType) => clrType switch
    {
        "System.Boolean" => "a boolean",
        "System.String" => "a string",
        "System.Int32" => "a 32-bit integer",
        "System.UInt32" => "an unsigned 32-bit integer",
        "System.Int64" => "a 64-bit integer",
        "System.UInt64" => "an unsigned 64-bit integer",
        var list when list.Contains("IReadOnlyList", StringComparison.Ordinal) => "an array of strings",
        var table when table.StartsWith("AotShim.", StringComparison.Ordinal) || table.Contains("Dictionary", StringComparison.Ordinal) => "a table",
        var other => other,
    };

    [GeneratedRegex("to type '([^']+)'")]
    private static partial Regex TargetType();
}
