using AotShim.Shim.Ttrpc;
using AotShim.Shim.Ttrpc.Protocol;
using Containerd.Task.V2;
using Google.Protobuf;

namespace AotShim.Shim.Tests.Ttrpc;

public sealed class TtrpcFramingTests
{
    private const string Service = TtrpcHarness.TaskService;
    private const int MaxMessage = 4 << 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TtrpcHarness EchoServer() => TtrpcHarness.Start(server => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
        (request, _) => ValueTask.FromResult(new StateResponse { Id = request.Id, Stdout = request.ExecId })));

    private static byte[] StateRequestEnvelope(string id) => RawTtrpcPeer.RequestEnvelope(Service, "State", new StateRequest { Id = id });

    private static async Task<string> AnsweredIdAsync(RawTtrpcPeer peer, uint streamId)
    {
        RawFrame frame = await peer.ReceiveFrameAsync();
        Assert.Equal((streamId, RawFrame.Response), (frame.StreamId, frame.Type));
        Response response = frame.ParseResponse();
        Assert.Equal(0, response.Status?.Code ?? 0);
        return StateResponse.Parser.ParseFrom(response.Payload).Id;
    }

    [Fact]
    public async Task A_request_written_one_byte_at_a_time_is_answered()
    {
        await using TtrpcHarness harness = EchoServer();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendByteByByteAsync(new RawFrame(1, RawFrame.Request, 0, StateRequestEnvelope("split")).ToBytes());

        Assert.Equal("split", await AnsweredIdAsync(peer, 1));
    }

    [Fact]
    public async Task Several_frames_in_one_write_are_each_answered()
    {
        await using TtrpcHarness harness = EchoServer();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendAsync([
            .. new RawFrame(1, RawFrame.Request, 0, StateRequestEnvelope("a")).ToBytes(),
            .. new RawFrame(3, RawFrame.Request, 0, StateRequestEnvelope("b")).ToBytes(),
            .. new RawFrame(5, RawFrame.Request, 0, StateRequestEnvelope("c")).ToBytes()]);
        var answers = new Dictionary<uint, string>();
        for (int i = 0; i < 3; i++)
        {
            RawFrame frame = await peer.ReceiveFrameAsync();
            answers[frame.StreamId] = StateResponse.Parser.ParseFrom(frame.ParseResponse().Payload).Id;
        }

        Assert.Equal(new Dictionary<uint, string> { [1] = "a", [3] = "b", [5] = "c" }, answers);
    }

    [Fact]
    public async Task A_response_arriving_one_byte_at_a_time_completes_the_call()
    {
        await using RawTtrpcServer raw = await RawTtrpcServer.StartAsync();

        Task<StateResponse> call = raw.Client.CallAsync(Service, "State", new StateRequest { Id = "c1" }, StateResponse.Parser, ct: Ct).AsTask();
        RawFrame request = await raw.Peer.ReceiveFrameAsync();
        var response = new Response { Status = new Google.Rpc.Status(), Payload = new StateResponse { Id = "c1", Pid = 9 }.ToByteString() };
        await raw.Peer.SendByteByByteAsync(new RawFrame(request.StreamId, RawFrame.Response, 0, response.ToByteArray()).ToBytes());

        Assert.Equal(9u, (await call.WaitAsync(Patience, Ct)).Pid);
    }

    [Fact]
    public async Task A_request_frame_of_exactly_four_MiB_is_accepted()
    {
        await using TtrpcHarness harness = EchoServer();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();
        byte[] envelope = EnvelopeOfLength(MaxMessage);

        await peer.SendFrameAsync(1, RawFrame.Request, envelope);

        Assert.Equal(1u, (await peer.ReceiveFrameAsync()).StreamId);
    }

    [Fact]
    public async Task An_oversized_request_is_discarded_with_ResourceExhausted_and_the_connection_lives_on()
    {
        await using TtrpcHarness harness = EchoServer();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendFrameAsync(3, RawFrame.Request, new byte[MaxMessage + 1]);
        RawFrame refused = await peer.ReceiveFrameAsync();
        await peer.SendFrameAsync(5, RawFrame.Request, StateRequestEnvelope("after"));

        Assert.Equal(3u, refused.StreamId);
        Assert.Equal((8, "message length 4194305 exceed maximum message size of 4194304"), (refused.ParseResponse().Status.Code, refused.ParseResponse().Status.Message));
        Assert.Equal("after", await AnsweredIdAsync(peer, 5));
    }

    [Fact]
    public async Task The_client_refuses_to_send_an_oversized_request_and_stays_usable()
    {
        await using TtrpcHarness harness = EchoServer();
        await using TtrpcClient client = await harness.ConnectAsync();

        var e = await Assert.ThrowsAsync<TtrpcException>(async () =>
            await client.CallAsync(Service, "State", new StateRequest { Id = new string('x', MaxMessage) }, StateResponse.Parser, ct: Ct));
        StateResponse after = await client.CallAsync(Service, "State", new StateRequest { Id = "after" }, StateResponse.Parser, ct: Ct);

        Assert.Equal(TtrpcStatusCode.ResourceExhausted, e.Code);
        Assert.Equal("after", after.Id);
    }

    [Fact]
    public async Task An_oversized_response_is_replaced_by_ResourceExhausted()
    {
        await using var harness = TtrpcHarness.Start(server => server.Register<StateRequest, StateResponse>(Service, "State", StateRequest.Parser,
            (request, _) => ValueTask.FromResult(new StateResponse { Id = request.Id, Stdout = request.Id == "big" ? new string('x', MaxMessage) : "" })));
        await using TtrpcClient client = await harness.ConnectAsync();

        var e = await Assert.ThrowsAsync<TtrpcException>(async () =>
            await client.CallAsync(Service, "State", new StateRequest { Id = "big" }, StateResponse.Parser, ct: Ct));
        StateResponse after = await client.CallAsync(Service, "State", new StateRequest { Id = "after" }, StateResponse.Parser, ct: Ct);

        Assert.Equal(TtrpcStatusCode.ResourceExhausted, e.Code);
        Assert.Equal("after", after.Id);
    }

    [Fact]
    public async Task An_oversized_response_frame_fails_only_its_own_call()
    {
        await using RawTtrpcServer raw = await RawTtrpcServer.StartAsync();

        Task<StateResponse> first = raw.Client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct).AsTask();
        RawFrame request = await raw.Peer.ReceiveFrameAsync();
        await raw.Peer.SendFrameAsync(request.StreamId, RawFrame.Response, new byte[MaxMessage + 1]);
        var e = await Assert.ThrowsAsync<TtrpcException>(() => first.WaitAsync(Patience, Ct));
        Task<StateResponse> second = raw.Client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct).AsTask();
        RawFrame next = await raw.Peer.ReceiveFrameAsync();
        await raw.Peer.SendFrameAsync(next.StreamId, RawFrame.Response, new Response { Payload = new StateResponse { Pid = 5 }.ToByteString() }.ToByteArray());

        Assert.Equal(TtrpcStatusCode.ResourceExhausted, e.Code);
        Assert.Equal(5u, (await second.WaitAsync(Patience, Ct)).Pid);
    }

    [Fact]
    public async Task A_frame_of_an_unknown_type_is_skipped_and_the_next_request_answered()
    {
        await using TtrpcHarness harness = EchoServer();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendFrameAsync(1, 7, StateRequestEnvelope("ignored"));
        await peer.SendFrameAsync(3, RawFrame.Response, StateRequestEnvelope("ignored too"));
        await peer.SendFrameAsync(5, RawFrame.Request, StateRequestEnvelope("answered"));

        Assert.Equal("answered", await AnsweredIdAsync(peer, 5));
    }

    [Fact]
    public async Task A_frame_cut_short_by_the_peer_closing_ends_the_connection_cleanly()
    {
        await using TtrpcHarness harness = EchoServer();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        byte[] frame = new RawFrame(1, RawFrame.Request, 0, StateRequestEnvelope("cut")).ToBytes();
        await peer.SendAsync(frame[..15]);
        peer.ShutdownSend();

        Assert.True(await peer.ClosedByPeerAsync());
        await using TtrpcClient client = await harness.ConnectAsync();
        Assert.Equal("still serving", (await client.CallAsync(Service, "State", new StateRequest { Id = "still serving" }, StateResponse.Parser, ct: Ct)).Id);
    }

    [Fact]
    public async Task A_request_envelope_that_is_not_protobuf_is_InvalidArgument()
    {
        await using TtrpcHarness harness = EchoServer();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendFrameAsync(1, RawFrame.Request, [0x0a, 0xff, 0xff, 0xff]);
        RawFrame refused = await peer.ReceiveFrameAsync();
        await peer.SendFrameAsync(3, RawFrame.Request, StateRequestEnvelope("after"));

        Assert.Equal((1u, 3), (refused.StreamId, refused.ParseResponse().Status.Code));
        Assert.StartsWith("unmarshal request error", refused.ParseResponse().Status.Message);
        Assert.Equal("after", await AnsweredIdAsync(peer, 3));
    }

    [Fact]
    public async Task A_payload_that_is_not_the_request_message_is_Internal()
    {
        await using TtrpcHarness harness = EchoServer();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();
        var envelope = new Request { Service = Service, Method = "State", Payload = ByteString.CopyFrom(0x0a, 0x05, 0x61) };

        await peer.SendFrameAsync(1, RawFrame.Request, envelope.ToByteArray());
        Google.Rpc.Status status = (await peer.ReceiveFrameAsync()).ParseResponse().Status;

        Assert.Equal(13, status.Code);
        Assert.StartsWith("ttrpc: error unmarshalling payload", status.Message);
    }

    [Fact]
    public async Task An_even_stream_id_is_InvalidArgument()
    {
        await using TtrpcHarness harness = EchoServer();
        using RawTtrpcPeer peer = await harness.ConnectRawAsync();

        await peer.SendFrameAsync(2, RawFrame.Request, StateRequestEnvelope("even"));
        RawFrame refused = await peer.ReceiveFrameAsync();

        Assert.Equal((2u, 3, "StreamID must be odd for client initiated streams"),
            (refused.StreamId, refused.ParseResponse().Status.Code, refused.ParseResponse().Status.Message));
    }

    [Fact]
    public async Task A_server_closing_mid_frame_fails_the_pending_call_as_Unavailable()
    {
        await using RawTtrpcServer raw = await RawTtrpcServer.StartAsync();

        Task<StateResponse> call = raw.Client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct).AsTask();
        RawFrame request = await raw.Peer.ReceiveFrameAsync();
        await raw.Peer.SendAsync(new RawFrame(request.StreamId, RawFrame.Response, 0, new byte[40]).ToBytes()[..20]);
        raw.Peer.Dispose();

        var e = await Assert.ThrowsAsync<TtrpcException>(() => call.WaitAsync(Patience, Ct));
        Assert.Equal(TtrpcStatusCode.Unavailable, e.Code);
        await raw.Client.Completion.WaitAsync(Patience, Ct);
        var after = await Assert.ThrowsAsync<TtrpcException>(async () =>
            await raw.Client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct));
        Assert.Equal(TtrpcStatusCode.Unavailable, after.Code);
    }

    [Fact]
    public async Task A_response_that_is_not_protobuf_fails_its_call_and_the_connection_lives_on()
    {
        await using RawTtrpcServer raw = await RawTtrpcServer.StartAsync();

        Task<StateResponse> call = raw.Client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct).AsTask();
        RawFrame request = await raw.Peer.ReceiveFrameAsync();
        await raw.Peer.SendFrameAsync(request.StreamId, RawFrame.Response, [0x12, 0x7f]);
        var e = await Assert.ThrowsAsync<TtrpcException>(() => call.WaitAsync(Patience, Ct));
        Task<StateResponse> next = raw.Client.CallAsync(Service, "State", new StateRequest(), StateResponse.Parser, ct: Ct).AsTask();
        RawFrame second = await raw.Peer.ReceiveFrameAsync();
        await raw.Peer.SendFrameAsync(second.StreamId, RawFrame.Response, new Response { Payload = new StateResponse { Pid = 3 }.ToByteString() }.ToByteArray());

        Assert.Equal(TtrpcStatusCode.Internal, e.Code);
        Assert.Equal(3u, (await next.WaitAsync(Patience, Ct)).Pid);
    }

    /// <summary>A State request envelope whose encoded size is exactly <paramref name="length"/> bytes.</summary>
    private static byte[] EnvelopeOfLength(int length)
    {
        for (int idLength = length; idLength > length - 256; idLength--)
        {
            byte[] envelope = StateRequestEnvelope(new string('x', idLength));
            if (envelope.Length == length)
            {
                return envelope;
            }
        }

        throw new InvalidOperationException("no id length gives an envelope of " + length + " bytes");
    }
}
