namespace AotShim.Shim.Cli;

/// <summary>A command line the CLI cannot act on; exits with status 2.</summary>
internal sealed class UsageException(string message) : Exception(message)
{
}
