namespace AotShim.Shim.Hypervisor.Qemu;

/// <summary>QEMU's spellings of values.</summary>
internal static class QemuValues
{
    public static string Bool(bool value) => value ? "true" : "false";

    public static string OnOff(bool value) => value ? "on" : "off";
}
