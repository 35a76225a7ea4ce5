using AotShim.Shim.Ttrpc;
using Containerd.Task.V2;

namespace AotShim.Shim.Tasks;

/// <summary>Binds every containerd.task.v2.Task RPC to the task service on a TTRPC server.</summary>
public static class TaskServiceMethods
{
    public const string Service = "containerd.task.v2.Task";

    public static void Register(TtrpcServer server, TaskService task)
    {
        server.Register(Service, "State", StateRequest.Parser, (r, c) => task.StateAsync(r, c.CancellationToken));
        server.Register(Service, "Create", CreateTaskRequest.Parser, (r, c) => task.CreateAsync(r, c.CancellationToken));
        server.Register(Service, "Start", StartRequest.Parser, (r, c) => task.StartAsync(r, c.CancellationToken));
        server.Register(Service, "Delete", DeleteRequest.Parser, (r, c) => task.DeleteAsync(r, c.CancellationToken));
        server.Register(Service, "Pids", PidsRequest.Parser, (r, c) => task.PidsAsync(r, c.CancellationToken));
        server.Register(Service, "Pause", PauseRequest.Parser, (r, c) => task.PauseAsync(r, c.CancellationToken));
        server.Register(Service, "Resume", ResumeRequest.Parser, (r, c) => task.ResumeAsync(r, c.CancellationToken));
        server.Register(Service, "Checkpoint", CheckpointTaskRequest.Parser, (r, c) => task.CheckpointAsync(r, c.CancellationToken));
        server.Register(Service, "Kill", KillRequest.Parser, (r, c) => task.KillAsync(r, c.CancellationToken));
        server.Register(Service, "Exec", ExecProcessRequest.Parser, (r, c) => task.ExecAsync(r, c.CancellationToken));
        server.Register(Service, "ResizePty", ResizePtyRequest.Parser, (r, c) => task.ResizePtyAsync(r, c.CancellationToken));
        server.Register(Service, "CloseIO", CloseIORequest.Parser, (r, c) => task.CloseIOAsync(r, c.CancellationToken));
        server.Register(Service, "Update", UpdateTaskRequest.Parser, (r, c) => task.UpdateAsync(r, c.CancellationToken));
        server.Register(Service, "Wait", WaitRequest.Parser, (r, c) => task.WaitAsync(r, c.CancellationToken));
        server.Register(Service, "Stats", StatsRequest.Parser, (r, c) => task.StatsAsync(r, c.CancellationToken));
        server.Register(Service, "Connect", ConnectRequest.Parser, (r, c) => task.ConnectAsync(r, c.CancellationToken));
        server.Register(Service, "Shutdown", ShutdownRequest.Parser, (r, c) => task.ShutdownAsync(r, c.CancellationToken));
    }
}
