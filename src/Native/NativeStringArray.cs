using System.Runtime.InteropServices;
using System.Text;

namespace AotShim.Native;

/// <summary>A NULL-terminated char*[] of UTF-8 strings in one native block, as argv and envp want it.</summary>
internal sealed unsafe class NativeStringArray : IDisposable
{
    private readonly void* _block;

    public NativeStringArray(IReadOnlyList<string> values)
    {
        nuint pointers = (nuint)(values.Count + 1) * (nuint)sizeof(byte*);
        nuint size = pointers;
        for (int i = 0; i < values.Count; i++)
        {
            // An embedded NUL would silently cut the string short in the child; the value itself may be a secret.
            if (values[i].Contains('\0'))
            {
                throw new ArgumentException($"entry {i} contains a NUL character", nameof(values));
            }

            size += (nuint)Encoding.UTF8.GetByteCount(values[i]) + 1;
        }

        _block = NativeMemory.Alloc(size);
        var table = (byte**)_block;
        byte* next = (byte*)_block + pointers;
        for (int i = 0; i < values.Count; i++)
        {
            int length = Encoding.UTF8.GetBytes(values[i], new Span<byte>(next, (int)(size - (nuint)(next - (byte*)_block))));
            next[length] = 0;
            table[i] = next;
            next += length + 1;
        }

        table[values.Count] = null;
    }

    public byte** Pointer => (byte**)_block;

    public void Dispose() => NativeMemory.Free(_block);
}
