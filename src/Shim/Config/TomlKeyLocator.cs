using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace AotShim.Shim.Config;

/// <summary>Maps keys to source lines and back, on the error path only: the hot path never parses twice.</summary>
internal sealed class TomlKeyLocator
{
    private readonly List<(string Table, string Key, int Line, int Column)> _entries = [];

    public TomlKeyLocator(string text, string sourceName)
    {
        DocumentSyntax document = SyntaxParser.Parse(text, sourceName);
        AddItems("", document.KeyValues);
        foreach (TableSyntaxBase table in document.Tables)
        {
            AddItems(table.Name?.ToString().Trim() ?? "", table.Items);
        }
    }

    /// <summary>"[table] key" for the key/value on a 1-based line, or null.</summary>
    public string? KeyAt(int line)
    {
        foreach (var entry in _entries)
        {
            if (entry.Line == line)
            {
                return Describe(entry.Table, entry.Key);
            }
        }

        return null;
    }

    /// <summary>1-based line and column of a key in a table, or null when the file does not set it.</summary>
    public (int Line, int Column)? Find(string table, string key)
    {
        foreach (var entry in _entries)
        {
            if (entry.Table == table && entry.Key == key)
            {
                return (entry.Line, entry.Column);
            }
        }

        return null;
    }

    public static string Describe(string table, string key) => table.Length == 0 ? $"key '{key}'" : $"[{table}] key '{key}'";

    private void AddItems(string table, SyntaxList<KeyValueSyntax> items)
    {
        foreach (KeyValueSyntax item in items)
        {
            if (item.Key is { } key)
            {
                var start = key.Span.Start;
                _entries.Add((table, key.ToString().Trim(), start.Line + 1, start.Column + 1));
            }
        }
    }
}
