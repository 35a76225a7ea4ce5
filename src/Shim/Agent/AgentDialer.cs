using System.Diagnostics;
using AotShim.Shim.Agent.Protocol;
using AotShim.Shim.Ttrpc;

namespace AotShim.Shim.Agent;

/// <summary>
/// Connects to the agent and waits until it answers Health.Check, retrying until dial_timeout: the guest is still
/// booting at first, so a refused connection or an unanswered check is expected for a while.
/// </summary>
public static class AgentDialer
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Each attempt's cap: a check written before the agent opened its port is answered once it does.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    /// <exception cref="TimeoutException">
    /// The agent did not answer within <paramref name="dialTimeout"/>, or <paramref name="vmExited"/> completed first;
    /// the message names the endpoint and the last failure.
    /// </exception>
    public static async ValueTask<AgentClient> DialAsync(AgentEndpoint endpoint, TimeSpan dialTimeout, Task vmExited, CancellationToken ct)
    {
        long started = Stopwatch.GetTimestamp();
        Exception? last = null;
        int attempts = 0;
        while (true)
        {
            TimeSpan left = dialTimeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw GaveUp(endpoint, $"no answer within dial_timeout {dialTimeout.TotalSeconds:0.###} s", attempts, last);
            }

            attempts++;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task<AgentClient> trying = AttemptAsync(endpoint, left < AttemptTimeout ? left : AttemptTimeout, attempt.Token);
            if (await Task.WhenAny(trying, vmExited).ConfigureAwait(false) != trying)
            {
                attempt.Cancel();
                await ((Task)trying).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (trying.IsCompletedSuccessfully)
                {
                    await trying.Result.DisposeAsync().ConfigureAwait(false);
                }

                throw GaveUp(endpoint, "the VM exited", attempts, last);
            }

            try
            {
                return await trying.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // An attempt that ran into dial_timeout failed for the deadline, which says less than the failure before it.
                if (last is null || Stopwatch.GetElapsedTime(started) < dialTimeout)
                {
                    last = e;
                }
            }

            await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>One connection and one Check; the connection is closed unless the agent says it is serving.</summary>
    private static async Task<AgentClient> AttemptAsync(AgentEndpoint endpoint, TimeSpan timeout, CancellationToken ct)
    {
        var socket = await endpoint.ConnectAsync(timeout, ct).ConfigureAwait(false);
        var agent = new AgentClient(new TtrpcClient(socket, endpoint.ToString()!), endpoint.ToString()!);
        try
        {
            HealthCheckResponse health = await agent.CheckAsync(timeout, ct).ConfigureAwait(false);
            return health.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? agent
                : throw new InvalidOperationException($"Health.Check says {health.Status}");
        }
        catch
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static TimeoutException GaveUp(AgentEndpoint endpoint, string why, int attempts, Exception? last) =>
        new($"agent at {endpoint}: {why} after {attempts} attempts; last error: {last?.Message ?? "none"}", last);
}
