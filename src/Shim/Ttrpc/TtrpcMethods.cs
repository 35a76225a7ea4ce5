using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace AotShim.Shim.Ttrpc;

/// <summary>The server's RPC table: service → method → handler, looked up from the request's UTF-8 names without allocating.</summary>
internal sealed class TtrpcMethods
{
    private const int MaxStackName = 256;

    private readonly Dictionary<string, Dictionary<string, TtrpcMethod>> _services = new(StringComparer.Ordinal);

    public void Add(string service, string method, TtrpcMethod handler)
    {
        if (!_services.TryGetValue(service, out Dictionary<string, TtrpcMethod>? methods))
        {
            methods = new Dictionary<string, TtrpcMethod>(StringComparer.Ordinal);
            _services.Add(service, methods);
        }

        if (!methods.TryAdd(method, handler))
        {
            throw new InvalidOperationException($"ttrpc: {service}/{method} is registered twice");
        }
    }

    /// <summary>The handler, or null with the Unimplemented message containerd/ttrpc uses ("service X", "method Y").</summary>
    public TtrpcMethod? Find(in ReadOnlySequence<byte> service, in ReadOnlySequence<byte> method, out string? error)
    {
        error = null;
        Span<char> buffer = stackalloc char[MaxStackName];
        if (!Lookup(_services, service, buffer, out Dictionary<string, TtrpcMethod>? methods))
        {
            error = "service " + Encoding.UTF8.GetString(service);
            return null;
        }

        if (!Lookup(methods, method, buffer, out TtrpcMethod? handler))
        {
            error = "method " + Encoding.UTF8.GetString(method);
            return null;
        }

        return handler;
    }

    private static bool Lookup<TValue>(Dictionary<string, TValue> table, in ReadOnlySequence<byte> utf8, Span<char> buffer, [MaybeNullWhen(false)] out TValue value)
    {
        // UTF-8 never decodes to more chars than bytes; longer names than any we register are simply not found.
        if (utf8.Length > buffer.Length)
        {
            value = default;
            return false;
        }

        int length = Encoding.UTF8.GetChars(utf8, buffer);
        return table.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(buffer[..length], out value);
    }
}
