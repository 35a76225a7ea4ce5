using System.Text.Json;

namespace AotShim.Shim.Persist;

/// <summary>/run/vc/sbs/ID/persist.json, kata's place for a sandbox's state; replaced atomically on every write.</summary>
public static class SandboxStore
{
    public const string Root = "/run/vc/sbs";
    private const string FileName = "persist.json";

    public static string DirectoryOf(string sandboxId) => Path.Combine(Root, sandboxId);

    /// <summary>Written beside and renamed over: a crash leaves the old state or the new one, never half of either.</summary>
    public static void Write(SandboxState state)
    {
        string directory = DirectoryOf(state.SandboxId);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            JsonSerializer.Serialize(file, state, PersistJsonContext.Default.SandboxState);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The last state written, or null when there is none; a corrupt file names itself.</summary>
    public static SandboxState? Read(string sandboxId)
    {
        string path = Path.Combine(DirectoryOf(sandboxId), FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), PersistJsonContext.Default.SandboxState);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static void Remove(string sandboxId)
    {
        try
        {
            Directory.Delete(DirectoryOf(sandboxId), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never written, or already removed.
        }
    }
}
