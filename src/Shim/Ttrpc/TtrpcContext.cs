namespace AotShim.Shim.Ttrpc;

/// <summary>
/// What a handler knows about its call: the caller's metadata (a key may repeat, as in ttrpc's MD), the deadline
/// from timeout_nano, and a token cancelled at that deadline or when the connection ends.
/// </summary>
public readonly record struct TtrpcContext(
    IReadOnlyList<KeyValuePair<string, string>> Metadata,
    DateTimeOffset? Deadline,
    CancellationToken CancellationToken);
