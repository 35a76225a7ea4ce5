using AotShim.Shim.Bootstrap;
using AotShim.TestShim;

// The shim's bootstrap and task service with the host backend: lets the containerd tests run before the VM backend.
ShimArguments arguments = ShimArguments.Parse(args);
return arguments.Action switch
{
    ShimAction.Start => ShimStart.Run(arguments, Directory.GetCurrentDirectory(), ShimStdout.Open()),
    ShimAction.Delete => ShimDelete.Run(arguments, ShimStdout.Open(), HostSandbox.KillLeftovers),
    _ => await ShimServe.RunAsync(arguments, (_, _) => new HostSandbox()),
};
