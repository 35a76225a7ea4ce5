using System.Buffers.Binary;
using Tmds.Linux;

namespace AotShim.Native.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket, bound to the network namespace of the thread that opened it. Requests carry a sequence
/// number; replies with another number (left over from an abandoned request) are skipped. Every non-dump request asks
/// for an ACK, so a kernel error always reaches the caller as a <see cref="NativeException"/> with its errno and the
/// kernel's extended-ack text when it gave one.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    public const ushort Request = 0x1;
    public const ushort Ack = 0x4;
    public const ushort Replace = 0x100;
    public const ushort Excl = 0x200;
    public const ushort Create = 0x400;
    public const ushort Dump = 0x300;

    private const int NetlinkRoute = 0;
    private const int SolNetlink = 270;
    private const int NetlinkCapAck = 10;
    private const int NetlinkExtAck = 11;
    private const ushort NlmsgError = 2;
    private const ushort NlmsgDone = 3;
    private const ushort DumpInterrupted = 0x10;
    private const ushort Capped = 0x100;
    private const ushort AckTlvs = 0x200;
    private const ushort NlmsgerrAttrMsg = 1;

    // Dump replies are at most 32 KiB per datagram; twice that leaves room for any kernel's choice.
    private const int ReceiveBufferSize = 64 * 1024;

    // A dump the kernel flags as interrupted (the table changed meanwhile) is repeated this often before giving up.
    private const int DumpAttempts = 10;

    private readonly FileDescriptor _fd;
    private readonly byte[] _received = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
    private readonly Lock _lock = new();
    private uint _sequence;

    private NetlinkSocket(FileDescriptor fd) => _fd = fd;

    public delegate void MessageHandler(ushort type, ReadOnlySpan<byte> payload);

    public delegate T? MessageParser<T>(ushort type, ReadOnlySpan<byte> payload)
        where T : class;

    /// <summary>A NETLINK_ROUTE socket in the calling thread's network namespace.</summary>
    public static NetlinkSocket Open()
    {
        var fd = FileDescriptor.Adopt(Syscall.Check(LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, NetlinkRoute), "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)"));
        try
        {
            // Errors then carry the kernel's reason text and not a copy of our whole request.
            Enable(fd, NetlinkExtAck, "NETLINK_EXT_ACK");
            Enable(fd, NetlinkCapAck, "NETLINK_CAP_ACK");
            return new NetlinkSocket(fd);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request that changes something and waits for its ACK; <paramref name="operation"/> names it in an error.</summary>
    public void Execute(Span<byte> request, Func<string> operation)
    {
        (int errno, string? reason, _) = Transact(request, null);
        if (errno != 0)
        {
            throw Failure(operation(), errno, reason);
        }
    }

    /// <summary>Like <see cref="Execute"/>, but returns the errno instead of throwing it (0 on success).</summary>
    public int TryExecute(Span<byte> request, MessageHandler? onReply = null) => Transact(request, onReply).Errno;

    /// <summary>Runs a dump request and parses every reply; null results are skipped.</summary>
    public List<T> DumpAll<T>(Span<byte> request, string operation, MessageParser<T> parse)
        where T : class
    {
        var items = new List<T>();
        for (int attempt = 1; ; attempt++)
        {
            items.Clear();
            (int errno, string? reason, bool interrupted) = Transact(request, (type, payload) =>
            {
                if (parse(type, payload) is T item)
                {
                    items.Add(item);
                }
            });
            if (errno != 0)
            {
                throw Failure(operation, errno, reason);
            }

            if (!interrupted)
            {
                return items;
            }

            if (attempt == DumpAttempts)
            {
                throw Failure(operation, Errnos.EINTR, $"the table changed during each of {DumpAttempts} dumps");
            }
        }
    }

    public void Dispose() => _fd.Dispose();

    private static NativeException Failure(string operation, int errno, string? reason) =>
        new(reason is null ? operation : $"{operation} (kernel: {reason})", errno);

    private static void Enable(FileDescriptor fd, int option, string name)
    {
        int one = 1;
        Syscall.Check(LibC.setsockopt(fd.Number, SolNetlink, option, &one, sizeof(int)), $"setsockopt(netlink, {name})");
    }

    private static int Align(int length) => (length + 3) & ~3;

    /// <summary>The text of NLMSGERR_ATTR_MSG in an error or done message, when the kernel attached one.</summary>
    private static string? Reason(ReadOnlySpan<byte> tlvs)
    {
        var attributes = new NetlinkAttributes(tlvs);
        while (attributes.MoveNext())
        {
            if (attributes.Type == NlmsgerrAttrMsg)
            {
                return attributes.String;
            }
        }

        return null;
    }

    /// <summary>The TLVs of an NLMSG_ERROR payload: after the errno and the echoed request (only its header when capped).</summary>
    private static ReadOnlySpan<byte> ErrorTlvs(ReadOnlySpan<byte> payload, ushort flags)
    {
        if ((flags & AckTlvs) == 0 || payload.Length < 4 + NetlinkWriter.HeaderSize)
        {
            return default;
        }

        int echoed = (flags & Capped) != 0 ? NetlinkWriter.HeaderSize : Align((int)BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]));
        return 4 + echoed <= payload.Length ? payload[(4 + echoed)..] : default;
    }

    private (int Errno, string? Reason, bool Interrupted) Transact(Span<byte> request, MessageHandler? onReply)
    {
        lock (_lock)
        {
            uint sequence = ++_sequence;
            BinaryPrimitives.WriteUInt32LittleEndian(request[8..], sequence);
            Send(request);
            bool interrupted = false;
            while (true)
            {
                ReadOnlySpan<byte> rest = _received.AsSpan(0, Receive());
                while (rest.Length >= NetlinkWriter.HeaderSize)
                {
                    int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(rest);
                    if (length < NetlinkWriter.HeaderSize || length > rest.Length)
                    {
                        throw new IOException($"netlink: malformed reply (message length {length} in a {rest.Length}-byte datagram)");
                    }

                    ushort type = BinaryPrimitives.ReadUInt16LittleEndian(rest[4..]);
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(rest[6..]);
                    uint replySequence = BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]);
                    ReadOnlySpan<byte> payload = rest[NetlinkWriter.HeaderSize..length];
                    rest = rest[Math.Min(Align(length), rest.Length)..];
                    if (replySequence != sequence)
                    {
                        continue;
                    }

                    interrupted |= (flags & DumpInterrupted) != 0;
                    if (type is NlmsgError or NlmsgDone)
                    {
                        int errno = payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
                        ReadOnlySpan<byte> tlvs = type == NlmsgError ? ErrorTlvs(payload, flags) : (flags & AckTlvs) != 0 ? payload[4..] : default;
                        return (errno, errno == 0 ? null : Reason(tlvs), interrupted);
                    }

                    onReply?.Invoke(type, payload);
                }
            }
        }
    }

    private void Send(ReadOnlySpan<byte> message)
    {
        bool added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            fixed (byte* p = message)
            {
                ssize_t sent;
                do
                {
                    sent = LibC.send(_fd.Number, p, (size_t)message.Length, 0);
                }
                while (Syscall.Interrupted((int)sent));

                Syscall.Check((int)sent, "send(netlink)");
            }
        }
        finally
        {
            if (added)
            {
                _fd.DangerousRelease();
            }
        }
    }

    private int Receive()
    {
        bool added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            fixed (byte* p = _received)
            {
                ssize_t received;
                do
                {
                    // MSG_TRUNC makes recv report a datagram's full length even when it did not fit.
                    received = LibC.recv(_fd.Number, p, (size_t)_received.Length, LibC.MSG_TRUNC);
                }
                while (Syscall.Interrupted((int)received));

                int length = Syscall.Check((int)received, "recv(netlink)");
                return length <= _received.Length
                    ? length
                    : throw new IOException($"netlink: a {length}-byte reply does not fit the {_received.Length}-byte receive buffer");
            }
        }
        finally
        {
            if (added)
            {
                _fd.DangerousRelease();
            }
        }
    }
}
