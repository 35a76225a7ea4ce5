using AotShim.GuestAgent.Native;
using AotShim.Shim.Agent.Protocol;

namespace AotShim.GuestAgent.Guest;

/// <summary>
/// CopyFile as kata's agent does it: chunks arrive with an offset into PATH.tmp, which becomes PATH (with mode,
/// uid and gid) once it has file_size bytes; a mode with S_IFDIR makes a directory, S_IFLNK a symlink to data.
/// Missing parents are made with dir_mode. Only absolute paths below /run are accepted.
/// </summary>
internal static class FileCopy
{
    private const uint TypeMask = 0xF000;
    private const uint Directory = 0x4000;
    private const uint Symlink = 0xA000;
    private const uint PermissionMask = 0xFFF;

    public static void Write(CopyFileRequest request)
    {
        string path = request.Path;
        if (!Path.IsPathFullyQualified(path) || Path.GetFullPath(path) != path.TrimEnd('/') || !path.StartsWith("/run/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"CopyFile path \"{path}\" must be absolute, canonical and below /run");
        }

        string parent = Path.GetDirectoryName(path)!;
        if (!System.IO.Directory.Exists(parent))
        {
            System.IO.Directory.CreateDirectory(parent, Mode(request.DirMode));
            GuestLibc.Chown(parent, request.Uid, request.Gid);
        }

        switch (request.FileMode & TypeMask)
        {
            case Directory:
                System.IO.Directory.CreateDirectory(path, Mode(request.FileMode));
                GuestLibc.Chown(path, request.Uid, request.Gid);
                return;
            case Symlink:
                File.Delete(path);
                File.CreateSymbolicLink(path, request.Data.ToStringUtf8());
                GuestLibc.Chown(path, request.Uid, request.Gid);
                return;
        }

        string partial = path + ".tmp";
        using (var file = new FileStream(partial, request.Offset == 0 ? FileMode.Create : FileMode.OpenOrCreate, FileAccess.Write))
        {
            file.Position = request.Offset;
            file.Write(request.Data.Span);
            if (file.Length != request.FileSize)
            {
                return;
            }
        }

        File.SetUnixFileMode(partial, Mode(request.FileMode));
        GuestLibc.Chown(partial, request.Uid, request.Gid);
        File.Move(partial, path, overwrite: true);
    }

    private static UnixFileMode Mode(uint mode) => (UnixFileMode)(mode & PermissionMask);
}
