using System.Diagnostics;
using System.Text.Json;

namespace AotShim.EndToEnd.Tests.Containerd;

/// <summary>
/// One line of `ctr events`: "2026-01-02 03:04:05.123 +0000 UTC NAMESPACE /tasks/exit {json}".
/// </summary>
public sealed record CtrEvent(string Timestamp, string Namespace, string Topic, string Payload)
{
    public JsonElement? Json { get; } = ParseJson(Payload);

    /// <summary>container_id (task events) or id (container events).</summary>
    public string? ContainerId => Property("container_id") ?? Property("id");

    /// <summary>exit_status of /tasks/exit and /tasks/delete (absent in the JSON means 0).</summary>
    public int? ExitStatus =>
        Topic is "/tasks/exit" or "/tasks/delete"
            ? Json is { } json && json.TryGetProperty("exit_status", out JsonElement status) ? status.GetInt32() : 0
            : null;

    public string? Property(string name) =>
        Json is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static CtrEvent? Parse(string line)
    {
        string[] tokens = line.Split(' ');
        int topic = Array.FindIndex(tokens, t => t.StartsWith('/'));
        if (topic < 1)
        {
            return null;
        }

        return new CtrEvent(string.Join(' ', tokens[..(topic - 1)]), tokens[topic - 1], tokens[topic], string.Join(' ', tokens[(topic + 1)..]));
    }

    private static JsonElement? ParseJson(string payload)
    {
        try
        {
            return payload.Length == 0 ? null : JsonDocument.Parse(payload).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// A background `ctr events` (all namespaces). <see cref="Ctr.StartEventsAsync"/> returns only once
/// the subscription is live (it waits for the /namespaces/create of a throw-away namespace), so no
/// event of the test is missed.
/// </summary>
public sealed class CtrEvents : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<CtrEvent> events = [];
    private readonly List<string> raw = [];
    private readonly Task reader;

    private CtrEvents(Process process)
    {
        this.process = process;
        reader = Task.WhenAll(Task.Run(() => ReadAsync(process.StandardOutput, null)), Task.Run(() => ReadAsync(process.StandardError, "stderr: ")));
    }

    /// <summary>Everything received so far, in order.</summary>
    public IReadOnlyList<CtrEvent> Events
    {
        get
        {
            lock (events)
            {
                return events.ToList();
            }
        }
    }

    /// <summary>The raw output so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (events)
            {
                return string.Join('\n', raw);
            }
        }
    }

    /// <summary>Topics seen for one container, in order.</summary>
    public IReadOnlyList<string> Topics(string containerId) =>
        Events.Where(e => e.ContainerId == containerId).Select(e => e.Topic).ToList();

    public Task<CtrEvent> WaitForAsync(string topic, string? containerId = null, TimeSpan? timeout = null) =>
        WaitForAsync(e => e.Topic == topic && (containerId is null || e.ContainerId == containerId), $"{topic} for {containerId ?? "any"}", timeout);

    public async Task<CtrEvent> WaitForAsync(Func<CtrEvent, bool> match, string description, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (Events.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline || (reader.IsCompleted && Events.FirstOrDefault(match) is null))
            {
                throw new TimeoutException($"no event {description}; `ctr events` printed:\n{Output}");
            }

            await Task.Delay(20);
        }
    }

    internal static async Task<CtrEvents> StartAsync(Ctr ctr, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Ctr.Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in ctr.Arguments(["events"]))
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        var events = new CtrEvents(Process.Start(start)!);
        string probe = "events-ready-" + Guid.NewGuid().ToString("N")[..8];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        try
        {
            // A namespace made and removed until its /namespaces/create shows up: then the stream is live.
            for (int attempt = 0; ; attempt++)
            {
                string name = probe + "-" + attempt;
                (await ctr.RunAsync("namespaces", "create", name)).EnsureSuccess();
                await ctr.RunAsync("namespaces", "remove", name);
                try
                {
                    await events.WaitForAsync(e => e.Topic == "/namespaces/create" && e.Property("name") == name, "probe", TimeSpan.FromMilliseconds(300));
                    return events;
                }
                catch (TimeoutException) when (DateTime.UtcNow < deadline && !events.reader.IsCompleted)
                {
                }
            }
        }
        catch
        {
            await events.DisposeAsync();
            throw;
        }
    }

    private async Task ReadAsync(StreamReader from, string? rawPrefix)
    {
        string? line;
        while ((line = await from.ReadLineAsync()) is not null)
        {
            lock (events)
            {
                raw.Add(rawPrefix + line);
                if (rawPrefix is null && CtrEvent.Parse(line) is { } parsed)
                {
                    events.Add(parsed);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
        }

        await process.WaitForExitAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        process.Dispose();
    }
}
