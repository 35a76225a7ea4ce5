using System.Text;
using System.Text.Json;
using AotShim.Shim.Agent;
using AotShim.Shim.Agent.Protocol;
using Google.Protobuf;
using Google.Protobuf.Collections;
using OciHooks = AotShim.Shim.Agent.Protocol.Hooks;

namespace AotShim.Shim.Tests.Agent;

/// <summary>
/// OCI runtime spec JSON into the agent's protobuf messages. Each conversion is compared with a whole expected message, so a
/// field set by mistake fails as surely as a field left out.
/// </summary>
public sealed class OciSpecReaderTests
{
    /// <summary>What `ctr oci spec` prints with containerd 1.6.20: containerd's default spec for a bundle.</summary>
    private static ReadOnlySpan<byte> CtrDefaultSpec => """
        {
            "ociVersion": "1.0.2-dev",
            "process": {
                "user": {
                    "uid": 0,
                    "gid": 0
                },
                "cwd": "/",
                "capabilities": {
                    "bounding": [
                        "CAP_CHOWN",
                        "CAP_DAC_OVERRIDE",
                        "CAP_FSETID",
                        "CAP_FOWNER",
                        "CAP_MKNOD",
                        "CAP_NET_RAW",
                        "CAP_SETGID",
                        "CAP_SETUID",
                        "CAP_SETFCAP",
                        "CAP_SETPCAP",
                        "CAP_NET_BIND_SERVICE",
                        "CAP_SYS_CHROOT",
                        "CAP_KILL",
                        "CAP_AUDIT_WRITE"
                    ],
                    "effective": [
                        "CAP_CHOWN",
                        "CAP_DAC_OVERRIDE",
                        "CAP_FSETID",
                        "CAP_FOWNER",
                        "CAP_MKNOD",
                        "CAP_NET_RAW",
                        "CAP_SETGID",
                        "CAP_SETUID",
                        "CAP_SETFCAP",
                        "CAP_SETPCAP",
                        "CAP_NET_BIND_SERVICE",
                        "CAP_SYS_CHROOT",
                        "CAP_KILL",
                        "CAP_AUDIT_WRITE"
                    ],
                    "permitted": [
                        "CAP_CHOWN",
                        "CAP_DAC_OVERRIDE",
                        "CAP_FSETID",
                        "CAP_FOWNER",
                        "CAP_MKNOD",
                        "CAP_NET_RAW",
                        "CAP_SETGID",
                        "CAP_SETUID",
                        "CAP_SETFCAP",
                        "CAP_SETPCAP",
                        "CAP_NET_BIND_SERVICE",
                        "CAP_SYS_CHROOT",
                        "CAP_KILL",
                        "CAP_AUDIT_WRITE"
                    ]
                },
                "rlimits": [
                    {
                        "type": "RLIMIT_NOFILE",
                        "hard": 1024,
                        "soft": 1024
                    }
                ],
                "noNewPrivileges": true
            },
            "root": {
                "path": "rootfs"
            },
            "mounts": [
                {
                    "destination": "/proc",
                    "type": "proc",
                    "source": "proc",
                    "options": [
                        "nosuid",
                        "noexec",
                        "nodev"
                    ]
                },
                {
                    "destination": "/dev",
                    "type": "tmpfs",
                    "source": "tmpfs",
                    "options": [
                        "nosuid",
                        "strictatime",
                        "mode=755",
                        "size=65536k"
                    ]
                },
                {
                    "destination": "/dev/pts",
                    "type": "devpts",
                    "source": "devpts",
                    "options": [
                        "nosuid",
                        "noexec",
                        "newinstance",
                        "ptmxmode=0666",
                        "mode=0620",
                        "gid=5"
                    ]
                },
                {
                    "destination": "/dev/shm",
                    "type": "tmpfs",
                    "source": "shm",
                    "options": [
                        "nosuid",
                        "noexec",
                        "nodev",
                        "mode=1777",
                        "size=65536k"
                    ]
                },
                {
                    "destination": "/dev/mqueue",
                    "type": "mqueue",
                    "source": "mqueue",
                    "options": [
                        "nosuid",
                        "noexec",
                        "nodev"
                    ]
                },
                {
                    "destination": "/sys",
                    "type": "sysfs",
                    "source": "sysfs",
                    "options": [
                        "nosuid",
                        "noexec",
                        "nodev",
                        "ro"
                    ]
                },
                {
                    "destination": "/run",
                    "type": "tmpfs",
                    "source": "tmpfs",
                    "options": [
                        "nosuid",
                        "strictatime",
                        "mode=755",
                        "size=65536k"
                    ]
                }
            ],
            "linux": {
                "resources": {
                    "devices": [
                        {
                            "allow": false,
                            "access": "rwm"
                        }
                    ]
                },
                "cgroupsPath": "/default",
                "namespaces": [
                    {
                        "type": "pid"
                    },
                    {
                        "type": "ipc"
                    },
                    {
                        "type": "uts"
                    },
                    {
                        "type": "mount"
                    },
                    {
                        "type": "network"
                    }
                ],
                "maskedPaths": [
                    "/proc/acpi",
                    "/proc/asound",
                    "/proc/kcore",
                    "/proc/keys",
                    "/proc/latency_stats",
                    "/proc/timer_list",
                    "/proc/timer_stats",
                    "/proc/sched_debug",
                    "/sys/firmware",
                    "/proc/scsi"
                ],
                "readonlyPaths": [
                    "/proc/bus",
                    "/proc/fs",
                    "/proc/irq",
                    "/proc/sys",
                    "/proc/sysrq-trigger"
                ]
            }
        }
        """u8;

    /// <summary>
    /// A container's config.json as containerd's CRI plugin writes it for a pod, plus the rarer fields (hooks, seccomp, id
    /// mappings, block I/O) and fields the agent protocol has no place for (domainname, scheduler, unified, personality).
    /// </summary>
    private static ReadOnlySpan<byte> CriSpec => """
        {
          "ociVersion": "1.1.0",
          "process": {
            "terminal": true,
            "consoleSize": { "height": 24, "width": 80 },
            "user": { "uid": 1000, "gid": 3000, "umask": 18, "additionalGids": [3000, 2000], "username": "app" },
            "args": ["/bin/sh", "-c", "sleep 3600"],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=web-0"],
            "cwd": "/srv",
            "capabilities": { "bounding": ["CAP_KILL"], "inheritable": [], "ambient": ["CAP_NET_BIND_SERVICE"] },
            "rlimits": [{ "type": "RLIMIT_NPROC", "hard": 18446744073709551615, "soft": 4096 }],
            "noNewPrivileges": false,
            "apparmorProfile": "cri-containerd.apparmor.d",
            "oomScoreAdj": -997,
            "selinuxLabel": "system_u:system_r:container_t:s0:c1,c2",
            "scheduler": { "policy": "SCHED_OTHER" }
          },
          "root": { "path": "rootfs", "readonly": true },
          "hostname": "web-0",
          "domainname": "example.org",
          "mounts": [
            { "destination": "/etc/hosts", "type": "bind", "source": "/var/lib/kubelet/pods/uid/etc-hosts", "options": ["rbind", "rprivate", "rw"] },
            { "destination": "/dev/termination-log", "source": "/var/lib/kubelet/pods/uid/termination-log", "uidMappings": [] }
          ],
          "hooks": {
            "prestart": [{ "path": "/usr/bin/nvidia-ctk", "args": ["nvidia-ctk", "hook"], "env": ["DEBUG=1"], "timeout": 30 }],
            "createRuntime": [{ "path": "/bin/true" }],
            "poststop": [{ "path": "/bin/cleanup", "timeout": null }]
          },
          "annotations": {
            "io.kubernetes.cri.container-type": "container",
            "io.kubernetes.cri.sandbox-id": "6a2c0c54d2a6f6a0",
            "io.kubernetes.cri.container-name": "web"
          },
          "linux": {
            "uidMappings": [{ "containerID": 0, "hostID": 100000, "size": 65536 }],
            "gidMappings": [{ "containerID": 0, "hostID": 200000, "size": 65536 }],
            "sysctl": { "net.ipv4.ip_unprivileged_port_start": "0" },
            "resources": {
              "devices": [
                { "allow": false, "access": "rwm" },
                { "allow": true, "type": "c", "major": 10, "minor": 200, "access": "rwm" }
              ],
              "memory": { "limit": 536870912, "reservation": 268435456, "swap": -1, "kernel": 0, "kernelTCP": 1048576, "swappiness": 60, "disableOOMKiller": true, "useHierarchy": true },
              "cpu": { "shares": 512, "quota": 50000, "burst": 1000, "period": 100000, "realtimeRuntime": 950000, "realtimePeriod": 1000000, "cpus": "0-1", "mems": "0", "idle": 0 },
              "pids": { "limit": 1024 },
              "blockIO": {
                "weight": 500,
                "leafWeight": 300,
                "weightDevice": [{ "major": 8, "minor": 0, "weight": 600, "leafWeight": 200 }],
                "throttleReadBpsDevice": [{ "major": 8, "minor": 0, "rate": 1048576 }],
                "throttleWriteIOPSDevice": [{ "major": 8, "minor": 16, "rate": 100 }]
              },
              "hugepageLimits": [{ "pageSize": "2MB", "limit": 209715200 }],
              "network": { "classID": 1048577, "priorities": [{ "name": "eth0", "priority": 5 }] },
              "unified": { "memory.high": "400000000" }
            },
            "cgroupsPath": "kubepods-burstable-podabc.slice:cri-containerd:6a2c0c54d2a6f6a0",
            "namespaces": [{ "type": "pid" }, { "type": "network", "path": "/var/run/netns/cni-1" }],
            "devices": [{ "path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0 }],
            "seccomp": {
              "defaultAction": "SCMP_ACT_ERRNO",
              "defaultErrnoRet": 1,
              "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
              "flags": ["SECCOMP_FILTER_FLAG_LOG"],
              "syscalls": [
                { "names": ["accept", "read"], "action": "SCMP_ACT_ALLOW" },
                { "names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{ "index": 0, "value": 4294967295, "valueTwo": 0, "op": "SCMP_CMP_EQ" }] },
                { "names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38 },
                { "names": ["open_by_handle_at"], "action": "SCMP_ACT_ERRNO", "errnoRet": 0 },
                { "names": ["kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": null }
              ]
            },
            "rootfsPropagation": "rslave",
            "maskedPaths": ["/proc/kcore"],
            "readonlyPaths": ["/proc/sys"],
            "mountLabel": "system_u:object_r:container_file_t:s0:c1,c2",
            "intelRdt": { "closID": "guaranteed", "l3CacheSchema": "L3:0=ffff" },
            "personality": { "domain": "LINUX" }
          },
          "vm": { "kernel": { "path": "/ignored" } }
        }
        """u8;

    private static readonly string[] DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    [Fact]
    public void Containerds_default_spec_converts_field_for_field()
    {
        var expected = new Spec
        {
            Version = "1.0.2-dev",
            Process = new Process
            {
                User = new User { UID = 0, GID = 0 },
                Cwd = "/",
                Capabilities = new LinuxCapabilities
                {
                    Bounding = { DefaultCapabilities },
                    Effective = { DefaultCapabilities },
                    Permitted = { DefaultCapabilities },
                },
                Rlimits = { new POSIXRlimit { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 } },
                NoNewPrivileges = true,
            },
            Root = new Root { Path = "rootfs" },
            Mounts =
            {
                new Mount { Destination = "/proc", Type = "proc", Source = "proc", Options = { "nosuid", "noexec", "nodev" } },
                new Mount { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = { "nosuid", "strictatime", "mode=755", "size=65536k" } },
                new Mount
                {
                    Destination = "/dev/pts", Type = "devpts", Source = "devpts",
                    Options = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" },
                },
                new Mount { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" } },
                new Mount { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = { "nosuid", "noexec", "nodev" } },
                new Mount { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = { "nosuid", "noexec", "nodev", "ro" } },
                new Mount { Destination = "/run", Type = "tmpfs", Source = "tmpfs", Options = { "nosuid", "strictatime", "mode=755", "size=65536k" } },
            },
            Linux = new Linux
            {
                Resources = new LinuxResources { Devices = { new LinuxDeviceCgroup { Allow = false, Access = "rwm" } } },
                CgroupsPath = "/default",
                Namespaces =
                {
                    new LinuxNamespace { Type = "pid" },
                    new LinuxNamespace { Type = "ipc" },
                    new LinuxNamespace { Type = "uts" },
                    new LinuxNamespace { Type = "mount" },
                    new LinuxNamespace { Type = "network" },
                },
                MaskedPaths =
                {
                    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
                },
                ReadonlyPaths = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" },
            },
        };

        Spec spec = OciSpecReader.ReadSpec(CtrDefaultSpec, "config.json");

        Assert.Equal(expected, spec);
        Assert.Empty(spec.Process.Args);
        Assert.Empty(spec.Process.Env);
        Assert.Null(spec.Hooks);
    }

    [Fact]
    public void A_cri_spec_converts_field_for_field_and_skips_what_the_agent_has_no_field_for()
    {
        var expected = new Spec
        {
            Version = "1.1.0",
            Process = new Process
            {
                Terminal = true,
                ConsoleSize = new Box { Height = 24, Width = 80 },
                User = new User { UID = 1000, GID = 3000, AdditionalGids = { 3000, 2000 }, Username = "app" },
                Args = { "/bin/sh", "-c", "sleep 3600" },
                Env = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=web-0" },
                Cwd = "/srv",
                Capabilities = new LinuxCapabilities { Bounding = { "CAP_KILL" }, Ambient = { "CAP_NET_BIND_SERVICE" } },
                Rlimits = { new POSIXRlimit { Type = "RLIMIT_NPROC", Hard = ulong.MaxValue, Soft = 4096 } },
                ApparmorProfile = "cri-containerd.apparmor.d",
                OOMScoreAdj = -997,
                SelinuxLabel = "system_u:system_r:container_t:s0:c1,c2",
            },
            Root = new Root { Path = "rootfs", Readonly = true },
            Hostname = "web-0",
            Mounts =
            {
                new Mount
                {
                    Destination = "/etc/hosts", Type = "bind", Source = "/var/lib/kubelet/pods/uid/etc-hosts",
                    Options = { "rbind", "rprivate", "rw" },
                },
                new Mount { Destination = "/dev/termination-log", Source = "/var/lib/kubelet/pods/uid/termination-log" },
            },
            Hooks = new OciHooks
            {
                Prestart = { new Hook { Path = "/usr/bin/nvidia-ctk", Args = { "nvidia-ctk", "hook" }, Env = { "DEBUG=1" }, Timeout = 30 } },
                CreateRuntime = { new Hook { Path = "/bin/true" } },
                Poststop = { new Hook { Path = "/bin/cleanup" } },
            },
            Annotations =
            {
                ["io.kubernetes.cri.container-type"] = "container",
                ["io.kubernetes.cri.sandbox-id"] = "6a2c0c54d2a6f6a0",
                ["io.kubernetes.cri.container-name"] = "web",
            },
            Linux = new Linux
            {
                UIDMappings = { new LinuxIDMapping { ContainerID = 0, HostID = 100000, Size = 65536 } },
                GIDMappings = { new LinuxIDMapping { ContainerID = 0, HostID = 200000, Size = 65536 } },
                Sysctl = { ["net.ipv4.ip_unprivileged_port_start"] = "0" },
                Resources = new LinuxResources
                {
                    Devices =
                    {
                        new LinuxDeviceCgroup { Allow = false, Access = "rwm" },
                        new LinuxDeviceCgroup { Allow = true, Type = "c", Major = 10, Minor = 200, Access = "rwm" },
                    },
                    Memory = new LinuxMemory
                    {
                        Limit = 536870912, Reservation = 268435456, Swap = -1, Kernel = 0, KernelTCP = 1048576, Swappiness = 60,
                        DisableOOMKiller = true,
                    },
                    CPU = new LinuxCPU
                    {
                        Shares = 512, Quota = 50000, Period = 100000, RealtimeRuntime = 950000, RealtimePeriod = 1000000, Cpus = "0-1",
                        Mems = "0",
                    },
                    Pids = new LinuxPids { Limit = 1024 },
                    BlockIO = new LinuxBlockIO
                    {
                        Weight = 500,
                        LeafWeight = 300,
                        WeightDevice = { new LinuxWeightDevice { Major = 8, Minor = 0, Weight = 600, LeafWeight = 200 } },
                        ThrottleReadBpsDevice = { new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 1048576 } },
                        ThrottleWriteIOPSDevice = { new LinuxThrottleDevice { Major = 8, Minor = 16, Rate = 100 } },
                    },
                    HugepageLimits = { new LinuxHugepageLimit { Pagesize = "2MB", Limit = 209715200 } },
                    Network = new LinuxNetwork { ClassID = 1048577, Priorities = { new LinuxInterfacePriority { Name = "eth0", Priority = 5 } } },
                },
                CgroupsPath = "kubepods-burstable-podabc.slice:cri-containerd:6a2c0c54d2a6f6a0",
                Namespaces = { new LinuxNamespace { Type = "pid" }, new LinuxNamespace { Type = "network", Path = "/var/run/netns/cni-1" } },
                Devices = { new LinuxDevice { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 438, UID = 0, GID = 0 } },
                Seccomp = new LinuxSeccomp
                {
                    DefaultAction = "SCMP_ACT_ERRNO",
                    Architectures = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86" },
                    Flags = { "SECCOMP_FILTER_FLAG_LOG" },
                    Syscalls =
                    {
                        new LinuxSyscall { Names = { "accept", "read" }, Action = "SCMP_ACT_ALLOW" },
                        new LinuxSyscall
                        {
                            Names = { "personality" }, Action = "SCMP_ACT_ALLOW",
                            Args = { new LinuxSeccompArg { Index = 0, Value = 4294967295, ValueTwo = 0, Op = "SCMP_CMP_EQ" } },
                        },
                        new LinuxSyscall { Names = { "clone3" }, Action = "SCMP_ACT_ERRNO", Errnoret = 38 },
                        new LinuxSyscall { Names = { "open_by_handle_at" }, Action = "SCMP_ACT_ERRNO", Errnoret = 0 },
                        new LinuxSyscall { Names = { "kexec_load" }, Action = "SCMP_ACT_ERRNO" },
                    },
                },
                RootfsPropagation = "rslave",
                MaskedPaths = { "/proc/kcore" },
                ReadonlyPaths = { "/proc/sys" },
                MountLabel = "system_u:object_r:container_file_t:s0:c1,c2",
                IntelRdt = new LinuxIntelRdt { L3CacheSchema = "L3:0=ffff" },
            },
        };

        Spec spec = OciSpecReader.ReadSpec(CriSpec, "config.json");

        Assert.Equal(expected, spec);
        Assert.Equal(expected, Spec.Parser.ParseFrom(spec.ToByteArray()));
    }

    [Fact]
    public void An_explicit_errno_of_zero_differs_from_none()
    {
        RepeatedField<LinuxSyscall> syscalls = OciSpecReader.ReadSpec(CriSpec, "config.json").Linux.Seccomp.Syscalls;

        Assert.Equal([false, false, true, true, false], syscalls.Select(syscall => syscall.HasErrnoret));
    }

    [Fact]
    public void An_exec_process_converts_alone()
    {
        ReadOnlySpan<byte> json = """
            {"user":{"uid":0,"gid":0,"additionalGids":[10]},"args":["sh","-c","ls /"],"env":["TERM=xterm"],"cwd":"/root",
             "terminal":true,"consoleSize":{"height":50,"width":132},"capabilities":{"bounding":["CAP_SYS_ADMIN"]},
             "noNewPrivileges":true,"oomScoreAdj":0,"ioPriority":{"class":"IOPRIO_CLASS_IDLE"}}
            """u8;
        var expected = new Process
        {
            User = new User { AdditionalGids = { 10 } },
            Args = { "sh", "-c", "ls /" },
            Env = { "TERM=xterm" },
            Cwd = "/root",
            Terminal = true,
            ConsoleSize = new Box { Height = 50, Width = 132 },
            Capabilities = new LinuxCapabilities { Bounding = { "CAP_SYS_ADMIN" } },
            NoNewPrivileges = true,
        };

        Assert.Equal(expected, OciSpecReader.ReadProcess(json, "exec e1"));
    }

    [Fact]
    public void An_update_converts_its_resources_alone()
    {
        ReadOnlySpan<byte> json = """
            {"memory":{"limit":1073741824,"swap":1073741824},"cpu":{"shares":1024,"quota":-1,"period":100000,"cpus":"0-3"},
             "pids":{"limit":-1},"rdma":{"mlx5_0":{"hcaHandles":3}}}
            """u8;
        var expected = new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 1073741824, Swap = 1073741824 },
            CPU = new LinuxCPU { Shares = 1024, Quota = -1, Period = 100000, Cpus = "0-3" },
            Pids = new LinuxPids { Limit = -1 },
        };

        Assert.Equal(expected, OciSpecReader.ReadResources(json, "update c1"));
    }

    [Fact]
    public void Null_fields_stay_default_as_they_do_for_go()
    {
        ReadOnlySpan<byte> json = """
            {"ociVersion":null,"process":{"user":{"uid":null,"additionalGids":null},"args":[null,"x"],"terminal":null},
             "root":null,"mounts":[null],"annotations":null,"linux":{"resources":{"memory":{"limit":null}}}}
            """u8;
        var expected = new Spec
        {
            Process = new Process { User = new User(), Args = { "", "x" } },
            Mounts = { new Mount() },
            Linux = new Linux { Resources = new LinuxResources { Memory = new LinuxMemory() } },
        };

        Assert.Equal(expected, OciSpecReader.ReadSpec(json, "config.json"));
    }

    [Theory]
    [InlineData("""{"process":{"user":{"uid":"0"}}}""", "config.json: process.user.uid: expected a number, got a string")]
    [InlineData("""{"process":{"terminal":"yes"}}""", "config.json: process.terminal: expected a boolean, got a string")]
    [InlineData("""{"process":{"args":"sh"}}""", "config.json: process.args: expected an array, got a string")]
    [InlineData("""{"process":3}""", "config.json: process: expected an object, got a number")]
    [InlineData("""{"hostname":["a"]}""", "config.json: hostname: expected a string, got an array")]
    [InlineData("""{"mounts":[{"destination":"/a"},{"options":["ro",3]}]}""", "config.json: mounts[1].options[1]: expected a string, got a number")]
    [InlineData("""{"mounts":["/proc"]}""", "config.json: mounts[0]: expected an object, got a string")]
    [InlineData("""{"annotations":{"io.katacontainers.x":true}}""", "config.json: annotations[\"io.katacontainers.x\"]: expected a string, got a boolean")]
    [InlineData("""{"linux":{"sysctl":[]}}""", "config.json: linux.sysctl: expected an object, got an array")]
    [InlineData("""{"linux":{"resources":{"memory":{"limit":{}}}}}""", "config.json: linux.resources.memory.limit: expected a number, got an object")]
    [InlineData("""{"hooks":{"prestart":[{"path":"/x","timeout":"5s"}]}}""", "config.json: hooks.prestart[0].timeout: expected a number, got a string")]
    [InlineData("[]", "config.json: expected an object, got an array")]
    [InlineData("null", "config.json: expected an object, got null")]
    public void A_wrong_type_names_the_source_and_the_path(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => OciSpecReader.ReadSpec(Encoding.UTF8.GetBytes(json), "config.json"));

        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("""{"process":{"user":{"uid":-1}}}""", "process.user.uid: expected an unsigned 32-bit integer, got -1")]
    [InlineData("""{"process":{"user":{"additionalGids":[5,-5]}}}""", "process.user.additionalGids[1]: expected an unsigned 32-bit integer, got -5")]
    [InlineData("""{"process":{"rlimits":[{"type":"RLIMIT_NOFILE","hard":-1}]}}""", "process.rlimits[0].hard: expected an unsigned 64-bit integer, got -1")]
    [InlineData("""{"linux":{"resources":{"cpu":{"shares":-2}}}}""", "linux.resources.cpu.shares: expected an unsigned 64-bit integer, got -2")]
    [InlineData("""{"linux":{"seccomp":{"syscalls":[{"names":["a"]},{"args":[{"index":-1}]}]}}}""", "linux.seccomp.syscalls[1].args[0].index: expected an unsigned 64-bit integer, got -1")]
    [InlineData("""{"linux":{"seccomp":{"syscalls":[{"errnoRet":-1}]}}}""", "linux.seccomp.syscalls[0].errnoRet: expected an unsigned 32-bit integer, got -1")]
    [InlineData("""{"linux":{"uidMappings":[{"hostID":-100000}]}}""", "linux.uidMappings[0].hostID: expected an unsigned 32-bit integer, got -100000")]
    [InlineData("""{"process":{"consoleSize":{"height":4294967296}}}""", "process.consoleSize.height: expected an unsigned 32-bit integer, got 4294967296")]
    [InlineData("""{"linux":{"resources":{"blockIO":{"weight":65536}}}}""", "linux.resources.blockIO.weight: expected an unsigned 16-bit integer, got 65536")]
    [InlineData("""{"process":{"oomScoreAdj":1.5}}""", "process.oomScoreAdj: expected a signed 64-bit integer, got 1.5")]
    [InlineData("""{"linux":{"resources":{"memory":{"limit":9223372036854775808}}}}""", "linux.resources.memory.limit: expected a signed 64-bit integer, got 9223372036854775808")]
    public void A_number_out_of_its_fields_range_names_the_source_and_the_path(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => OciSpecReader.ReadSpec(Encoding.UTF8.GetBytes(json), "config.json"));

        Assert.Equal("config.json: " + message, e.Message);
    }

    [Theory]
    [InlineData("", "config.json: malformed JSON: ")]
    [InlineData("""{"process":{"args":["sh",}}""", "config.json: process.args[1]: malformed JSON: ")]
    [InlineData("""{"process":{"cwd":"/",}}""", "config.json: process: malformed JSON: ")]
    [InlineData("""{"linux":{"resources":{"memory":{"limit":"12""", "config.json: linux.resources.memory.limit: malformed JSON: ")]
    [InlineData("""{"ociVersion":"1.0.2"} {}""", "config.json: malformed JSON: ")]
    [InlineData("""{"ociVersion":'1.0.2'}""", "config.json: ociVersion: malformed JSON: ")]
    public void Malformed_json_names_the_source_and_where_it_broke(string json, string prefix)
    {
        var e = Assert.Throws<InvalidDataException>(() => OciSpecReader.ReadSpec(Encoding.UTF8.GetBytes(json), "config.json"));

        Assert.StartsWith(prefix, e.Message);
        Assert.IsAssignableFrom<JsonException>(e.InnerException);
    }

    [Fact]
    public void A_process_error_names_the_exec_and_its_path_from_the_process()
    {
        var e = Assert.Throws<InvalidDataException>(() => OciSpecReader.ReadProcess("""{"user":{"gid":"0"}}"""u8, "exec e1"));

        Assert.Equal("exec e1: user.gid: expected a number, got a string", e.Message);
    }

    [Fact]
    public void A_resources_error_names_the_update_and_its_path_from_the_resources()
    {
        var e = Assert.Throws<InvalidDataException>(() => OciSpecReader.ReadResources("""{"cpu":{"period":-100000}}"""u8, "update c1"));

        Assert.Equal("update c1: cpu.period: expected an unsigned 64-bit integer, got -100000", e.Message);
    }
}
