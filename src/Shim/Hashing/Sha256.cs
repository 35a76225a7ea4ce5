namespace AotShim.Shim.Hashing;

/// <summary>
/// SHA-256 (FIPS 180-4) in managed code: the static binary links no OpenSSL, and loading it in a dynamic build
/// costs more at start than the hashing. The one-shot form allocates nothing; an instance hashes data appended in parts.
/// </summary>
public sealed class Sha256 : ShaHash<ShaCompression<uint, Sha256Width>>;
