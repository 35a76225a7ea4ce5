using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Text;

namespace AotShim.Native.Netlink;

/// <summary>Walks the attributes (struct nlattr) of a netlink message or of a nested attribute, in place.</summary>
internal ref struct NetlinkAttributes(ReadOnlySpan<byte> data)
{
    // NLA_F_NESTED and NLA_F_NET_BYTEORDER live in the top bits of nla_type.
    private const ushort TypeMask = 0x3FFF;

    private ReadOnlySpan<byte> _rest = data;

    public ushort Type { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    /// <summary>Moves to the next attribute; a truncated or malformed one ends the walk like the kernel's nla_ok.</summary>
    public bool MoveNext()
    {
        if (_rest.Length < 4)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < 4 || length > _rest.Length)
        {
            return false;
        }

        Type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & TypeMask);
        Value = _rest[4..length];
        _rest = _rest[Math.Min((length + 3) & ~3, _rest.Length)..];
        return true;
    }

    public readonly uint UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(Value);

    /// <summary>A string attribute without its terminating NUL.</summary>
    public readonly string String
    {
        get
        {
            int end = Value.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? Value : Value[..end]);
        }
    }

    public readonly IPAddress Address => new(Value);

    public readonly PhysicalAddress Mac => new(Value.ToArray());
}
