using System.Text.RegularExpressions;
using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace AotShim.Shim.Config;

/// <summary>Turns Tomlyn's exceptions into "file:line:column: key: what is wrong" (error path only).</summary>
internal static partial class TomlErrors
{
    public static ConfigException Describe(TomlException exception, string text, string path)
    {
        // The serializer reports syntax errors at its reader position; the syntax parser knows the exact spot.
        DocumentSyntax document = SyntaxParser.Parse(text, path);
        for (int i = 0; i < document.Diagnostics.Count; i++)
        {
            DiagnosticMessage diagnostic = document.Diagnostics[i];
            if (diagnostic.Kind == DiagnosticMessageKind.Error)
            {
                var start = diagnostic.Span.Start;
                return new ConfigException($"{path}:{start.Line + 1}:{start.Column + 1}: TOML syntax error: {diagnostic.Message}");
            }
        }

        string reason = Innermost(exception.Message);
        if (exception.Line is not int line)
        {
            return new ConfigException($"{path}: {reason}");
        }

        string location = $"{path}:{line}:{exception.Column ?? 0}";
        string key = new TomlKeyLocator(text, path).KeyAt(line) ?? "a value";
        return new ConfigException($"{location}: {key} has the wrong type: expected {Expected(exception.Message)} ({reason})");
    }

    private static string Innermost(string message)
    {
        const string Marker = "error : ";
        int at = message.LastIndexOf(Marker, StringComparison.Ordinal);
        return (at < 0 ? message : message[(at + Marker.Length)..]).Trim();
    }

    private static string Expected(string message)
    {
        Match type = TargetType().Match(message);
        if (type.Success)
        {
            return type.Groups[1].Value switch
            {
                "System.Boolean" => "a boolean",
                "System.String" => "a string",
                "System.Int32" => "a 32-bit integer",
                "System.UInt32" => "an unsigned 32-bit integer",
                "System.Int64" => "a 64-bit integer",
                "System.UInt64" => "an unsigned 64-bit integer",
                var other => other,
            };
        }

        return ExpectedToken().Match(message).Groups[1].Value switch
        {
            "StartArray" => "an array of strings",
            "StartTable" or "StartObject" => "a table",
            "Integer" => "an integer",
            "Boolean" => "a boolean",
            "String" => "a string",
            var other => other.Length > 0 ? other : "another type",
        };
    }

    [GeneratedRegex("to type '([^']+)'")]
    private static partial Regex TargetType();

    [GeneratedRegex(@"Expected (\w+) token")]
    private static partial Regex ExpectedToken();
}
