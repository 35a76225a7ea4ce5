using AotShim.GuestAgent;
using AotShim.GuestAgent.Launch;

// The guest is Linux only: Unix file modes and the like need no platform checks.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// `ecr-guest-agent exec-in ...` becomes a container process (ExecIn); otherwise this is the test guest's agent.
return args.Length > 0 && args[0] == ExecPlan.Command
    ? ExecIn.Run(args)
    : await GuestAgentHost.RunAsync();
