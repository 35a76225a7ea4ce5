namespace AotShim.Shim.Hooks;

/// <summary>The hook lists the shim runs on the host, named as config.json's "hooks" object names them.</summary>
public static class HookStages
{
    public const string Prestart = "prestart";
    public const string CreateRuntime = "createRuntime";
    public const string CreateContainer = "createContainer";
    public const string Poststart = "poststart";
    public const string Poststop = "poststop";
}
