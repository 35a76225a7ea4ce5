using AotShim.Shim.Ttrpc;
using AotShim.Shim.Ttrpc.Protocol;
using Containerd.Task.V2;
using Google.Protobuf;

namespace AotShim.Shim.Tests.Ttrpc;

/// <summary>The bytes on the wire, written out by hand from the protocol (DESIGN.md), in both directions.</summary>
public sealed class TtrpcWireTests
{
    private const string Service = TtrpcHarness.TaskService;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Hex(params string[] parts) => Convert.FromHexString(string.Concat(parts).Replace(" ", ""));

    [Fact]
    public async Task The_client_writes_header_then_service_method_payload_timeout_and_metadata_on_odd_streams()
    {
        await using RawTtrpcServer raw = await RawTtrpcServer.StartAsync();

        Task<StateResponse> first = raw.Client.CallAsync(Service, "State", new StateRequest { Id = "c1" }, StateResponse.Parser,
            TimeSpan.FromSeconds(1), new Dictionary<string, string> { ["k"] = "v" }, Ct).AsTask();
        byte[] written = await raw.Peer.ReceiveFrameBytesAsync();
        await raw.Peer.SendFrameAsync(1, RawFrame.Response, Hex("0a00"));
        await first.WaitAsync(Patience, Ct);
        Task<StateResponse> second = raw.Client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct).AsTask();
        byte[] secondWritten = await raw.Peer.ReceiveFrameBytesAsync();

        Assert.Equal(Hex(
            "00000034 00000001 01 00",                                    // 52 bytes, stream 1, request, no flags
            "0a 17", Convert.ToHexString("containerd.task.v2.Task"u8),   // service = 1
            "12 05", Convert.ToHexString("State"u8),                     // method = 2
            "1a 04 0a026331",                                            // payload = 3: StateRequest{id = "c1"}
            "20 8094ebdc03",                                             // timeout_nano = 4: 1e9
            "2a 06 0a016b 120176"), written);                            // metadata = 5: {key "k", value "v"}
        Assert.Equal(Hex("00000020 00000003 01 00 0a17", Convert.ToHexString("containerd.task.v2.Task"u8), "1205", Convert.ToHexString("State"u8)), secondWritten);
        await raw.Peer.SendFrameAsync(3, RawFrame.Response, []);
        await second.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task The_server_answers_with_an_empty_status_then_the_payload_as_containerd_ttrpc_does()
    {
        await using var harness = TtrpcHarness.Start(server => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
            (request, _) => ValueTask.FromResult(new StateResponse { Id = request.Id, Pid = 42 })));
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendAsync(Hex(
            "00000026 00000001 01 00",
            "0a 17", Convert.ToHexString("containerd.task.v2.Task"u8),
            "12 05", Convert.ToHexString("State"u8),
            "1a 04 0a026331"));

        Assert.Equal(Hex(
            "0000000a 00000001 02 00",  // 10 bytes, stream 1, response
            "0a 00",                    // status = 1: OK, present and empty
            "12 06 0a026331 182a"),     // payload = 2: StateResponse{id = "c1", pid = 42}
            await peer.ReceiveFrameBytesAsync());
    }

    [Fact]
    public async Task An_error_reply_carries_code_and_message_and_no_payload()
    {
        await using var harness = TtrpcHarness.Start(server => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
            (_, _) => ValueTask.FromResult(new StateResponse())));
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendFrameAsync(7, RawFrame.Request, RawTtrpcPeer.RequestEnvelope(Service, "Nope", new StateRequest()));

        Assert.Equal(Hex(
            "00000011 00000007 02 00",
            "0a 0f 080c 120b", Convert.ToHexString("method Nope"u8)),  // status{code 12, message "method Nope"}
            await peer.ReceiveFrameBytesAsync());
    }

    [Fact]
    public async Task An_empty_response_message_is_an_empty_status_alone()
    {
        await using var harness = TtrpcHarness.Start(server => server.Register<StateRequest, Google.Protobuf.WellKnownTypes.Empty>(Service, "Kill", StateRequest.Parser,
            (_, _) => ValueTask.FromResult(new Google.Protobuf.WellKnownTypes.Empty())));
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendFrameAsync(1, RawFrame.Request, RawTtrpcPeer.RequestEnvelope(Service, "Kill", new StateRequest()));

        Assert.Equal(Hex("00000002 00000001 02 00 0a00"), await peer.ReceiveFrameBytesAsync());
    }

    [Theory]
    [InlineData("12 06 0a026331 182a")]          // no status at all
    [InlineData("0a 00 12 06 0a026331 182a")]    // containerd/ttrpc's empty status
    [InlineData("12 06 0a026331 182a 0a 00")]    // fields out of order
    [InlineData("0a 02 0800 12 06 0a026331 182a 1805")] // explicit code 0, then an unknown varint field
    public async Task The_client_reads_every_encoding_of_a_successful_response(string payloadHex)
    {
        await using RawTtrpcServer raw = await RawTtrpcServer.StartAsync();

        Task<StateResponse> call = raw.Client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct).AsTask();
        RawFrame request = await raw.Peer.ReceiveFrameAsync();
        await raw.Peer.SendFrameAsync(request.StreamId, RawFrame.Response, Hex(payloadHex));
        StateResponse state = await call.WaitAsync(Patience, Ct);

        Assert.Equal(("c1", 42u), (state.Id, state.Pid));
    }

    [Fact]
    public async Task The_client_request_parses_as_ttrpc_Request_with_the_project_proto()
    {
        await using RawTtrpcServer raw = await RawTtrpcServer.StartAsync();

        Task<StateResponse> call = raw.Client.CallAsync(Service, "State", new StateRequest { Id = "c1", ExecId = "e1" }, StateResponse.Parser,
            TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, Ct).AsTask();
        RawFrame frame = await raw.Peer.ReceiveFrameAsync();
        Request request = frame.ParseRequest();
        await raw.Peer.SendFrameAsync(frame.StreamId, RawFrame.Response,
            new Response { Status = new Google.Rpc.Status { Code = 5, Message = "no such container" } }.ToByteArray());

        Assert.Equal((Service, "State", 120_000_000_000L), (request.Service, request.Method, request.TimeoutNano));
        Assert.Equal(new StateRequest { Id = "c1", ExecId = "e1" }, StateRequest.Parser.ParseFrom(request.Payload));
        Assert.Equal(["a=1", "b=2"], request.Metadata.Select(kv => $"{kv.Key}={kv.Value}"));
        var e = await Assert.ThrowsAsync<TtrpcException>(() => call.WaitAsync(Patience, Ct));
        Assert.Equal((TtrpcStatusCode.NotFound, "no such container"), (e.Code, e.Message));
    }
}
