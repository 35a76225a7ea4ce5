using AotShim.Shim.Ttrpc.Protocol;
using Google.Protobuf.Reflection;
using static Google.Protobuf.Reflection.FieldDescriptorProto.Types;

namespace AotShim.Shim.Tests.Protos;

/// <summary>
/// The project's own .proto files against the upstream ones Debian ships: every message, field, enum value and RPC
/// we define must exist there with the same number, name, label, type and type name.
/// </summary>
public sealed class ProtoConformanceTests
{
    private static readonly FileDescriptor[] Ours =
    [
        Containerd.Task.V2.ShimReflection.Descriptor,
        Containerd.Types.MountReflection.Descriptor,
        Containerd.V1.Types.TaskReflection.Descriptor,
        Containerd.Events.TaskReflection.Descriptor,
        Containerd.Services.Events.Ttrpc.V1.EventsReflection.Descriptor,
        Runtimeoptions.V1.ApiReflection.Descriptor,
        Google.Rpc.StatusReflection.Descriptor,
        AotShim.Shim.Metrics.Protocol.MetricsReflection.Descriptor,
    ];

    [Fact]
    public async Task Every_message_field_enum_and_rpc_we_define_matches_containerd_1_6()
    {
        IReadOnlyList<FileDescriptorProto> upstream = await UpstreamProtos.CompileAsync(TestContext.Current.CancellationToken);
        var theirs = new Definitions(upstream);
        var ours = new Definitions(Ours.Select(file => file.ToProto()));
        var problems = new List<string>();

        foreach ((string name, DescriptorProto message) in ours.Messages)
        {
            if (!theirs.Messages.TryGetValue(name, out DescriptorProto? reference))
            {
                problems.Add($"message {name} does not exist upstream");
                continue;
            }

            foreach (FieldDescriptorProto field in message.Field)
            {
                FieldDescriptorProto? match = reference.Field.SingleOrDefault(f => f.Number == field.Number);
                if (match is null)
                {
                    problems.Add($"{name}.{field.Name} = {field.Number}: no field {field.Number} upstream");
                }
                else if (Describe(match) != Describe(field))
                {
                    problems.Add($"{name} field {field.Number}: ours is {Describe(field)}, upstream {Describe(match)}");
                }
            }
        }

        foreach ((string name, EnumDescriptorProto enumeration) in ours.Enums)
        {
            if (!theirs.Enums.TryGetValue(name, out EnumDescriptorProto? reference))
            {
                problems.Add($"enum {name} does not exist upstream");
                continue;
            }

            problems.AddRange(enumeration.Value
                .Where(value => !reference.Value.Any(v => v.Name == value.Name && v.Number == value.Number))
                .Select(value => $"enum {name}: {value.Name} = {value.Number} does not exist upstream"));
        }

        foreach ((string name, ServiceDescriptorProto service) in ours.Services)
        {
            if (!theirs.Services.TryGetValue(name, out ServiceDescriptorProto? reference))
            {
                problems.Add($"service {name} does not exist upstream");
                continue;
            }

            foreach (MethodDescriptorProto method in service.Method)
            {
                MethodDescriptorProto? match = reference.Method.SingleOrDefault(m => m.Name == method.Name);
                if (match is null)
                {
                    problems.Add($"rpc {name}/{method.Name} does not exist upstream");
                }
                else if (Describe(match) != Describe(method))
                {
                    problems.Add($"rpc {name}/{method.Name}: ours is {Describe(method)}, upstream {Describe(match)}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task The_task_service_carries_every_rpc_of_containerd_1_6()
    {
        var theirs = new Definitions(await UpstreamProtos.CompileAsync(TestContext.Current.CancellationToken));
        ServiceDescriptor ours = Containerd.Task.V2.ShimReflection.Descriptor.Services.Single(s => s.FullName == "containerd.task.v2.Task");

        Assert.Equal(
            theirs.Services[".containerd.task.v2.Task"].Method.Select(m => m.Name).Order(),
            ours.Methods.Select(m => m.Name).Order());
    }

    [Fact]
    public void The_ttrpc_envelope_matches_the_struct_tags_of_containerd_ttrpc()
    {
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, GoField>> upstream = UpstreamProtos.TtrpcTypes();
        var problems = new List<string>();

        foreach (MessageDescriptor message in RequestReflection.Descriptor.MessageTypes)
        {
            if (!upstream.TryGetValue(message.Name, out IReadOnlyDictionary<string, GoField>? fields))
            {
                problems.Add($"ttrpc has no Go type {message.Name}");
                continue;
            }

            foreach (FieldDescriptor field in message.Fields.InFieldNumberOrder())
            {
                string ours = $"{field.FieldNumber} {(field.IsRepeated ? "rep" : "opt")} {GoTypeOf(field)}";
                string theirs = fields.TryGetValue(field.Name, out GoField? go) ? $"{go.Number} {go.Label} {go.GoType} ({go.Wire})" : "missing";
                if (!theirs.StartsWith(ours + " (", StringComparison.Ordinal) || WireOf(field) != go!.Wire)
                {
                    problems.Add($"ttrpc.{message.Name}.{field.Name}: ours is {ours} ({WireOf(field)}), upstream {theirs}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static string Describe(FieldDescriptorProto field) => $"{field.Name} {field.Label} {field.Type} {field.TypeName}".TrimEnd();

    private static string Describe(MethodDescriptorProto method) =>
        $"({method.InputType}{(method.ClientStreaming ? " stream" : "")}) returns ({method.OutputType}{(method.ServerStreaming ? " stream" : "")})";

    /// <summary>The Go type protoc-gen-gogo would declare for the field.</summary>
    private static string GoTypeOf(FieldDescriptor field)
    {
        string element = field.FieldType switch
        {
            FieldType.String => "string",
            FieldType.Bytes => "[]byte",
            FieldType.Int64 => "int64",
            FieldType.Message when field.MessageType.FullName == "google.rpc.Status" => "*spb.Status",
            FieldType.Message => "*" + field.MessageType.Name,
            _ => field.FieldType.ToString(),
        };
        return field.IsRepeated ? "[]" + element : element;
    }

    private static string WireOf(FieldDescriptor field) => field.FieldType is FieldType.Int64 ? "varint" : "bytes";

    /// <summary>Every message (nested ones too), enum and service of a set of files by full name (".package.Name").</summary>
    private sealed class Definitions
    {
        public Definitions(IEnumerable<FileDescriptorProto> files)
        {
            foreach (FileDescriptorProto file in files)
            {
                string scope = file.Package.Length == 0 ? "" : "." + file.Package;
                AddMessages(scope, file.MessageType);
                foreach (EnumDescriptorProto enumeration in file.EnumType)
                {
                    Enums[scope + "." + enumeration.Name] = enumeration;
                }

                foreach (ServiceDescriptorProto service in file.Service)
                {
                    Services[scope + "." + service.Name] = service;
                }
            }
        }

        public Dictionary<string, DescriptorProto> Messages { get; } = [];

        public Dictionary<string, EnumDescriptorProto> Enums { get; } = [];

        public Dictionary<string, ServiceDescriptorProto> Services { get; } = [];

        private void AddMessages(string scope, IEnumerable<DescriptorProto> messages)
        {
            foreach (DescriptorProto message in messages)
            {
                string name = scope + "." + message.Name;
                Messages[name] = message;
                AddMessages(name, message.NestedType);
                foreach (EnumDescriptorProto enumeration in message.EnumType)
                {
                    Enums[name + "." + enumeration.Name] = enumeration;
                }
            }
        }
    }
}
