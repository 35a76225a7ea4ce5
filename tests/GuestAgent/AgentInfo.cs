using System.Reflection;

namespace AotShim.GuestAgent;

/// <summary>What the agent says about itself (Health.Version, GetGuestDetails, the console).</summary>
internal static class AgentInfo
{
    public static string Version { get; } =
        typeof(AgentInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>One line on the console (the agent's stdout), which the tests and a human at the serial console read.</summary>
    public static void Say(string line) => Console.Out.WriteLine(line);

    public static void Log(string line) => Console.Error.WriteLine("ecr-guest-agent: " + line);
}
