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

    /// <exception cref="TimeoutException">The agent did not answer within <paramref name="dialTimeout"/>, or <paramref name="vmExited"/> completed first; names the last failure.</exception>
    public static async ValueTask<AgentClient> DialAsync(AgentEndpoint endpoint, TimeSpan dialTimeout, Task vmExited, CancellationToken ct)
    {
        long started = Stopwatch.GetTimestamp();
        Exception? last = null;
        int attempts = 0;
        while (true)
        {
            TimeSpan left = dialTimeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || vmExited.IsCompleted)
            {
                string why = vmExited.IsCompleted ? "the VM exited" : $"no answer within dial_timeout {dialTimeout.TotalSeconds:0.###} s";
                throw new TimeoutException($"agent at {endpoint}: {why} after {attempts} attempts; last error: {last?.Message ?? "none"}", last);
            }

            attempts++;
            TimeSpan attempt = left < AttemptTimeout ? left : AttemptTimeout;
            AgentClient? agent = null;
            try
            {
                var socket = await endpoint.ConnectAsync(attempt, ct).ConfigureAwait(false);
                agent = new AgentClient(new TtrpcClient(socket, endpoint.ToString()!), endpoint.ToString()!);
                HealthCheckResponse health = await agent.CheckAsync(attempt, ct).ConfigureAwait(false);
                if (health.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return agent;
                }

                last = new InvalidOperationException($"Health.Check says {health.Status}");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                last = e;
            }

            if (agent is not null)
            {
                await agent.DisposeAsync().ConfigureAwait(false);
            }

            await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
        }
    }
}
