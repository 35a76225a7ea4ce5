namespace AotShim.Shim.Tests;

/// <summary>Builds small configuration files: a valid base plus the lines a test cares about.</summary>
internal static class ConfigText
{
    public static string Qemu(params string[] lines) =>
        "[hypervisor.qemu]\nimage = \"/usr/share/ecr/ecr-containers.img\"\n" + string.Join("\n", lines) + "\n";

    public static string With(string qemuLines = "", string agentLines = "", string runtimeLines = "") =>
        Qemu(qemuLines) + "[agent.kata]\n" + agentLines + "\n[runtime]\n" + runtimeLines + "\n";
}
