using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AotShim.Native.Netlink;

/// <summary>
/// Builds one netlink request in a caller-provided buffer: the nlmsghdr, the family header, then attributes
/// (nested ones through <see cref="BeginNested"/>/<see cref="EndNested"/>), each padded to 4 bytes as NLMSG_ALIGN wants.
/// </summary>
internal ref struct NetlinkWriter
{
    /// <summary>sizeof(struct nlmsghdr): u32 length, u16 type, u16 flags, u32 sequence, u32 port id.</summary>
    public const int HeaderSize = 16;

    private const int AttributeHeaderSize = 4;

    private readonly Span<byte> _buffer;
    private int _length;

    public NetlinkWriter(Span<byte> buffer, ushort type, ushort flags)
    {
        _buffer = buffer;
        _buffer[..HeaderSize].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[6..], flags);
        _length = HeaderSize;
    }

    /// <summary>The family's fixed header (ifinfomsg, rtmsg, tcmsg, ...) that follows the nlmsghdr.</summary>
    public void Header<T>(scoped in T header)
        where T : unmanaged => Append(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in header)));

    public void Attribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        int start = Reserve(AttributeHeaderSize);
        Append(value);
        WriteAttributeHeader(start, type, AttributeHeaderSize + value.Length);
    }

    public void Attribute(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Attribute(type, bytes);
    }

    /// <summary>A NUL-terminated string attribute (NLA_NUL_STRING / NLA_STRING both accept it).</summary>
    public void Attribute(ushort type, string value)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        bytes[^1] = 0;
        Attribute(type, bytes);
    }

    public void Attribute<T>(ushort type, scoped in T value)
        where T : unmanaged => Attribute(type, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    /// <summary>Opens a nested attribute; its length is written by <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        int start = Reserve(AttributeHeaderSize);
        WriteAttributeHeader(start, type, AttributeHeaderSize);
        return start;
    }

    public readonly void EndNested(int start) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[start..], checked((ushort)(_length - start)));

    /// <summary>Sets nlmsg_len and returns the finished message; the socket stamps the sequence number.</summary>
    public readonly Span<byte> Finish()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        return _buffer[.._length];
    }

    private static int Align(int length) => (length + 3) & ~3;

    private readonly void WriteAttributeHeader(int start, ushort type, int length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[start..], checked((ushort)length));
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[(start + 2)..], type);
    }

    private void Append(scoped ReadOnlySpan<byte> bytes)
    {
        int start = Reserve(bytes.Length);
        bytes.CopyTo(_buffer[start..]);
    }

    /// <summary>Claims <paramref name="size"/> bytes plus padding, zeroed, and returns where they start.</summary>
    private int Reserve(int size)
    {
        int start = _length;
        int end = Align(start + size);
        if (end > _buffer.Length)
        {
            throw new InvalidOperationException($"netlink request longer than its {_buffer.Length}-byte buffer");
        }

        _buffer[start..end].Clear();
        _length = end;
        return start;
    }
}
