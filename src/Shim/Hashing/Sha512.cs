namespace AotShim.Shim.Hashing;

/// <summary>SHA-512 (FIPS 180-4) in managed code, for the asset hash annotations: the static binary links no OpenSSL.</summary>
public sealed class Sha512 : ShaHash<ShaCompression<ulong, Sha512Width>>;
