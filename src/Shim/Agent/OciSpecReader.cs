using System.Text;
using System.Text.Json;
using AotShim.Shim.Agent.Protocol;
using Google.Protobuf.Collections;

namespace AotShim.Shim.Agent;

/// <summary>
/// The OCI runtime spec as JSON (runtime-spec's camelCase names) into the agent's protobuf messages, field for field as kata's
/// OCItoGRPC copies them; absent or null fields stay default, unknown fields are skipped, a wrong type is an error naming its path.
/// </summary>
public static class OciSpecReader
{
    /// <summary>A whole runtime spec: a bundle's config.json.</summary>
    public static Spec ReadSpec(ReadOnlySpan<byte> json, string source) => OciJsonCursor.ReadDocument(json, source, ReadSpec);

    /// <summary>A process object alone: what an exec carries.</summary>
    public static Process ReadProcess(ReadOnlySpan<byte> json, string source) => OciJsonCursor.ReadDocument(json, source, ReadProcess);

    /// <summary>A LinuxResources object alone: what an update carries.</summary>
    public static LinuxResources ReadResources(ReadOnlySpan<byte> json, string source) =>
        OciJsonCursor.ReadDocument(json, source, OciResourcesReader.ReadResources);

    private static Spec ReadSpec(ref OciJsonCursor json)
    {
        var spec = new Spec();
        while (json.NextProperty())
        {
            if (json.Property("ociVersion")) spec.Version = json.String();
            else if (json.Property("process")) spec.Process = json.Object(ReadProcess);
            else if (json.Property("root")) spec.Root = json.Object(ReadRoot);
            else if (json.Property("hostname")) spec.Hostname = json.String();
            else if (json.Property("mounts")) json.Objects(spec.Mounts, ReadMount);
            else if (json.Property("hooks")) spec.Hooks = json.Object(ReadHooks);
            else if (json.Property("annotations")) json.StringMap(spec.Annotations);
            else if (json.Property("linux")) spec.Linux = json.Object(OciLinuxReader.ReadLinux);
            else json.SkipProperty();
        }

        return spec;
    }

    private static Process ReadProcess(ref OciJsonCursor json)
    {
        var process = new Process();
        while (json.NextProperty())
        {
            if (json.Property("terminal")) process.Terminal = json.Bool();
            else if (json.Property("consoleSize")) process.ConsoleSize = json.Object(ReadBox);
            else if (json.Property("user")) process.User = json.Object(ReadUser);
            else if (json.Property("args")) json.Strings(process.Args);
            else if (json.Property("env")) json.Strings(process.Env);
            else if (json.Property("cwd")) process.Cwd = json.String();
            else if (json.Property("capabilities")) process.Capabilities = json.Object(ReadCapabilities);
            else if (json.Property("rlimits")) json.Objects(process.Rlimits, ReadRlimit);
            else if (json.Property("noNewPrivileges")) process.NoNewPrivileges = json.Bool();
            else if (json.Property("apparmorProfile")) process.ApparmorProfile = json.String();
            else if (json.Property("oomScoreAdj")) process.OOMScoreAdj = json.Int64();
            else if (json.Property("selinuxLabel")) process.SelinuxLabel = json.String();
            else json.SkipProperty();
        }

        return process;
    }

    private static Box ReadBox(ref OciJsonCursor json)
    {
        var box = new Box();
        while (json.NextProperty())
        {
            if (json.Property("height")) box.Height = json.UInt32();
            else if (json.Property("width")) box.Width = json.UInt32();
            else json.SkipProperty();
        }

        return box;
    }

    private static User ReadUser(ref OciJsonCursor json)
    {
        var user = new User();
        while (json.NextProperty())
        {
            if (json.Property("uid")) user.UID = json.UInt32();
            else if (json.Property("gid")) user.GID = json.UInt32();
            else if (json.Property("additionalGids")) json.UInt32s(user.AdditionalGids);
            else if (json.Property("username")) user.Username = json.String();
            else json.SkipProperty();
        }

        return user;
    }

    private static LinuxCapabilities ReadCapabilities(ref OciJsonCursor json)
    {
        var capabilities = new LinuxCapabilities();
        while (json.NextProperty())
        {
            if (json.Property("bounding")) json.Strings(capabilities.Bounding);
            else if (json.Property("effective")) json.Strings(capabilities.Effective);
            else if (json.Property("inheritable")) json.Strings(capabilities.Inheritable);
            else if (json.Property("permitted")) json.Strings(capabilities.Permitted);
            else if (json.Property("ambient")) json.Strings(capabilities.Ambient);
            else json.SkipProperty();
        }

        return capabilities;
    }

    private static POSIXRlimit ReadRlimit(ref OciJsonCursor json)
    {
        var rlimit = new POSIXRlimit();
        while (json.NextProperty())
        {
            if (json.Property("type")) rlimit.Type = json.String();
            else if (json.Property("hard")) rlimit.Hard = json.UInt64();
            else if (json.Property("soft")) rlimit.Soft = json.UInt64();
            else json.SkipProperty();
        }

        return rlimit;
    }

    private static Root ReadRoot(ref OciJsonCursor json)
    {
        var root = new Root();
        while (json.NextProperty())
        {
            if (json.Property("path")) root.Path = json.String();
            else if (json.Property("readonly")) root.Readonly = json.Bool();
            else json.SkipProperty();
        }

        return root;
    }

    private static Mount ReadMount(ref OciJsonCursor json)
    {
        var mount = new Mount();
        while (json.NextProperty())
        {
            if (json.Property("destination")) mount.Destination = json.String();
            else if (json.Property("source")) mount.Source = json.String();
            else if (json.Property("type")) mount.Type = json.String();
            else if (json.Property("options")) json.Strings(mount.Options);
            else json.SkipProperty();
        }

        return mount;
    }

    private static Protocol.Hooks ReadHooks(ref OciJsonCursor json)
    {
        var hooks = new Protocol.Hooks();
        while (json.NextProperty())
        {
            if (json.Property("prestart")) json.Objects(hooks.Prestart, ReadHook);
            else if (json.Property("poststart")) json.Objects(hooks.Poststart, ReadHook);
            else if (json.Property("poststop")) json.Objects(hooks.Poststop, ReadHook);
            else if (json.Property("createRuntime")) json.Objects(hooks.CreateRuntime, ReadHook);
            else if (json.Property("createContainer")) json.Objects(hooks.CreateContainer, ReadHook);
            else if (json.Property("startContainer")) json.Objects(hooks.StartContainer, ReadHook);
            else json.SkipProperty();
        }

        return hooks;
    }

    private static Hook ReadHook(ref OciJsonCursor json)
    {
        var hook = new Hook();
        while (json.NextProperty())
        {
            if (json.Property("path")) hook.Path = json.String();
            else if (json.Property("args")) json.Strings(hook.Args);
            else if (json.Property("env")) json.Strings(hook.Env);
            else if (json.Property("timeout")) hook.Timeout = json.Int64();
            else json.SkipProperty();
        }

        return hook;
    }
}

/// <summary>Reads one OCI object; the cursor stands on its opening brace and is left on its closing one.</summary>
internal delegate T OciReader<T>(ref OciJsonCursor json);

/// <summary>A Utf8JsonReader that keeps its JSON path (built into text only for an error), so each error says where it is.</summary>
internal ref struct OciJsonCursor
{
    private Utf8JsonReader _reader;
    private readonly string _source;
    private readonly List<Segment> _parents;
    private Segment _leaf;

    private OciJsonCursor(ReadOnlySpan<byte> json, string source)
    {
        _reader = new Utf8JsonReader(json);
        _source = source;
        _parents = [];
    }

    public static T ReadDocument<T>(ReadOnlySpan<byte> json, string source, OciReader<T> read)
    {
        var cursor = new OciJsonCursor(json, source);
        try
        {
            cursor._reader.Read();
            if (cursor._reader.TokenType != JsonTokenType.StartObject)
            {
                throw cursor.Expected("an object");
            }

            T value = read(ref cursor);
            cursor._reader.Read(); // Throws on anything but whitespace after the object.
            return value;
        }
        catch (JsonException e)
        {
            throw cursor.Error($"malformed JSON: {e.Message}", e);
        }
    }

    /// <summary>Steps to the next property name of the current object; false at its end.</summary>
    public bool NextProperty()
    {
        _leaf = default;
        _reader.Read();
        return _reader.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>When the current property is <paramref name="name"/>, steps onto its value and says so.</summary>
    public bool Property(string name)
    {
        if (!_reader.ValueTextEquals(name))
        {
            return false;
        }

        _leaf = new Segment(SegmentKind.Name, name, 0);
        _reader.Read();
        return true;
    }

    /// <summary>Passes over the current property: fields this shim does not send are for newer specs, not errors.</summary>
    public void SkipProperty() => _reader.Skip();

    public readonly bool IsNull => _reader.TokenType == JsonTokenType.Null;

    public string String() => _reader.TokenType switch
    {
        JsonTokenType.String => _reader.GetString()!,
        JsonTokenType.Null => "",
        _ => throw Expected("a string"),
    };

    public bool Bool() => _reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False or JsonTokenType.Null => false,
        _ => throw Expected("a boolean"),
    };

    public long Int64() => _reader.TokenType switch
    {
        JsonTokenType.Number when _reader.TryGetInt64(out long value) => value,
        JsonTokenType.Number => throw OutOfRange("a signed 64-bit integer"),
        JsonTokenType.Null => 0,
        _ => throw Expected("a number"),
    };

    public ulong UInt64() => Unsigned(ulong.MaxValue, "an unsigned 64-bit integer");

    public uint UInt32() => (uint)Unsigned(uint.MaxValue, "an unsigned 32-bit integer");

    /// <summary>The runtime spec's uint16 fields (block I/O weights) travel as uint32 but must still fit 16 bits.</summary>
    public uint UInt16() => (uint)Unsigned(ushort.MaxValue, "an unsigned 16-bit integer");

    /// <summary>A nested object, or null for JSON null.</summary>
    public T? Object<T>(OciReader<T> read) where T : class
    {
        if (IsNull)
        {
            return null;
        }

        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Expected("an object");
        }

        _parents.Add(_leaf);
        T value = read(ref this);
        Ascend();
        return value;
    }

    /// <summary>An array of objects; like Go, a null element is a zero-valued one and a repeated key replaces the list.</summary>
    public void Objects<T>(RepeatedField<T> into, OciReader<T> read) where T : class, new()
    {
        into.Clear();
        if (EnterArray())
        {
            while (NextElement())
            {
                into.Add(Object(read) ?? new T());
            }

            Ascend();
        }
    }

    public void Strings(RepeatedField<string> into)
    {
        into.Clear();
        if (EnterArray())
        {
            while (NextElement())
            {
                into.Add(String());
            }

            Ascend();
        }
    }

    public void UInt32s(RepeatedField<uint> into)
    {
        into.Clear();
        if (EnterArray())
        {
            while (NextElement())
            {
                into.Add(UInt32());
            }

            Ascend();
        }
    }

    /// <summary>A JSON object of string values (annotations, sysctl); like Go, a repeated key adds to the map.</summary>
    public void StringMap(MapField<string, string> into)
    {
        if (IsNull)
        {
            return;
        }

        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Expected("an object");
        }

        _parents.Add(_leaf);
        while (NextProperty())
        {
            string key = _reader.GetString()!;
            _leaf = new Segment(SegmentKind.Key, key, 0);
            _reader.Read();
            into[key] = String();
        }

        Ascend();
    }

    private bool EnterArray()
    {
        if (IsNull)
        {
            return false;
        }

        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            throw Expected("an array");
        }

        _parents.Add(_leaf);
        _leaf = new Segment(SegmentKind.Index, null, -1);
        return true;
    }

    /// <summary>Counts before reading, so that malformed JSON inside an element names that element.</summary>
    private bool NextElement()
    {
        _leaf = _leaf with { Index = _leaf.Index + 1 };
        _reader.Read();
        return _reader.TokenType != JsonTokenType.EndArray;
    }

    private void Ascend()
    {
        _leaf = _parents[^1];
        _parents.RemoveAt(_parents.Count - 1);
    }

    private ulong Unsigned(ulong max, string what) => _reader.TokenType switch
    {
        JsonTokenType.Number when _reader.TryGetUInt64(out ulong value) && value <= max => value,
        JsonTokenType.Number => throw OutOfRange(what),
        JsonTokenType.Null => 0,
        _ => throw Expected("a number"),
    };

    private InvalidDataException OutOfRange(string what) => Error($"expected {what}, got {Encoding.UTF8.GetString(_reader.ValueSpan)}");

    private InvalidDataException Expected(string what) => Error($"expected {what}, got " + _reader.TokenType switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Null => "null",
        _ => "nothing",
    });

    private InvalidDataException Error(string message, Exception? inner = null)
    {
        var path = new StringBuilder();
        foreach (Segment segment in _parents)
        {
            segment.AppendTo(path);
        }

        _leaf.AppendTo(path);
        return new InvalidDataException(path.Length == 0 ? $"{_source}: {message}" : $"{_source}: {path}: {message}", inner);
    }

    private enum SegmentKind
    {
        None,
        Name,
        Index,
        Key,
    }

    /// <summary>One step of a JSON path: a property name, an array index or a map key.</summary>
    private readonly record struct Segment(SegmentKind Kind, string? Name, int Index)
    {
        public void AppendTo(StringBuilder path)
        {
            switch (Kind)
            {
                case SegmentKind.Name:
                    path.Append(path.Length == 0 ? "" : ".").Append(Name);
                    break;
                case SegmentKind.Index when Index >= 0:
                    path.Append('[').Append(Index).Append(']');
                    break;
                case SegmentKind.Key:
                    path.Append("[\"").Append(Name).Append("\"]");
                    break;
            }
        }
    }
}
