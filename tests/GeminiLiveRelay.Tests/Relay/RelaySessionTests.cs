using System.Net.WebSockets;
using GeminiLiveRelay.Browser;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Relay;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeminiLiveRelay.Tests.Relay;

/// <summary>The pump with an in-memory Gemini and a browser socket the test can freeze mid-send.</summary>
public sealed class RelaySessionTests
{
    [Fact]
    public async Task Interrupted_DropsQueuedAudioOfTheOldTurn_AndOvertakesIt()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (serverStream, clientStream) = GatedDuplexStream.CreatePair(gate.Task);
        using var server = WebSocket.CreateFromStream(serverStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        using var browser = WebSocket.CreateFromStream(clientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var fake = new FakeGeminiSession();
        using var clock = new SessionClock(NullLogger<SessionClock>.Instance);
        using var session = new RelaySession(server, new RelaySessionSetup("test", InputFormat.Default, new RelayOptions(), clock),
            (_, _) => Task.FromResult<IGeminiSession>(fake), NullLogger.Instance);
        var running = session.RunAsync(CancellationToken.None, ct);
        var sink = await fake.Running.WaitAsync(ct);

        // The send loop is now stuck writing `ready` behind the gate; everything below queues up behind it.
        var oldTurn = Enumerable.Range(0, 4).Select(i => TestAudio.ModelSpeech(i)).ToArray();
        foreach (var chunk in oldTurn)
        {
            await sink.OnAudioAsync(chunk, ct);
        }

        await sink.OnEventAsync(Interrupted.Instance, ct);
        var newTurn = TestAudio.ModelSpeech(9);
        await sink.OnAudioAsync(newTurn, ct);
        await sink.OnEventAsync(TurnComplete.Instance, ct);
        gate.SetResult();

        var received = new List<(WebSocketMessageType Type, byte[] Data)>();
        while (received.Count < 4)
        {
            received.Add(await ReceiveAsync(browser, ct));
        }

        await browser.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
        var end = await running;

        Assert.Contains("\"ready\"", System.Text.Encoding.UTF8.GetString(received[0].Data), StringComparison.Ordinal);
        Assert.Equal("""{"type":"interrupted"}""", System.Text.Encoding.UTF8.GetString(received[1].Data));
        Assert.Equal(WebSocketMessageType.Binary, received[2].Type);
        Assert.Equal(newTurn, received[2].Data);
        Assert.Equal("""{"type":"turnComplete"}""", System.Text.Encoding.UTF8.GetString(received[3].Data));
        Assert.Equal(RelayEnd.BrowserClosed, end);
        Assert.Equal(oldTurn.Sum(c => c.Length), session.Stats.AudioBytesDropped);
        Assert.Equal(newTurn.Length, session.Stats.AudioBytesToBrowser);
        Assert.True(fake.Disposed);
    }

    [Fact]
    public async Task GeminiCloses_BrowserGetsErrorEventThen1011()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        var (serverStream, clientStream) = GatedDuplexStream.CreatePair(Task.CompletedTask);
        using var server = WebSocket.CreateFromStream(serverStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        using var browser = WebSocket.CreateFromStream(clientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var fake = new FakeGeminiSession();
        using var clock = new SessionClock(NullLogger<SessionClock>.Instance);
        using var session = new RelaySession(server, new RelaySessionSetup("test", InputFormat.Default, new RelayOptions(), clock),
            (_, _) => Task.FromResult<IGeminiSession>(fake), NullLogger.Instance);
        var running = session.RunAsync(CancellationToken.None, ct);
        await fake.Running.WaitAsync(ct);

        fake.Close(1008, "Requested model is not supported for BidiGenerateContent.");
        var ready = await ReceiveAsync(browser, ct);
        var error = await ReceiveAsync(browser, ct);
        var close = await ReceiveAsync(browser, ct);
        await browser.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, ct);

        Assert.Equal(RelayEnd.UpstreamClosed, await running);
        Assert.Contains("\"ready\"", System.Text.Encoding.UTF8.GetString(ready.Data), StringComparison.Ordinal);
        var json = System.Text.Json.Nodes.JsonNode.Parse(error.Data)!;
        Assert.Equal("upstream_closed", (string?)json["code"]);
        Assert.Equal(1008, (int)json["closeCode"]!);
        Assert.Equal(WebSocketMessageType.Close, close.Type);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, browser.CloseStatus);
    }

    [Fact]
    public async Task FramesAlreadyWaiting_GoToGeminiTogether_InOrder_AtMost100msAMessage()
    {
        using var harness = new Harness();
        var ct = harness.Token;
        var audio = TestAudio.NumberedPcm16(0.14);

        // Seven 20 ms frames are buffered before the relay reads any: as when it falls behind under load.
        await harness.SendFramesAsync(audio);
        var sent = (await RunUntilAudioAsync(harness, audio.Length, ct)).OfType<byte[]>().ToList();

        // One full 100 ms chunk, then the rest as soon as nothing more was waiting; byte for byte, in order.
        Assert.Equal([3200, 1280], sent.Select(a => a.Length));
        Assert.Equal(audio, sent.SelectMany(a => a).ToArray());
    }

    [Fact]
    public async Task FramesSentOneAtATime_EachGoesOnItsOwn_NothingIsHeldBack()
    {
        using var harness = new Harness();
        var ct = harness.Token;
        var running = harness.Session.RunAsync(CancellationToken.None, ct);
        await harness.Fake.Running.WaitAsync(ct);
        var audio = TestAudio.NumberedPcm16(0.06);

        // The relay keeps up: each frame reaches Gemini before the next is sent, without waiting for more audio.
        var frames = audio.Chunk(640).ToArray();
        for (var i = 0; i < frames.Length; i++)
        {
            await harness.Browser.SendAsync(frames[i], WebSocketMessageType.Binary, true, ct);
            await WaitForAudioAsync(harness.Fake, 640 * (i + 1), ct);
        }

        await harness.Browser.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
        Assert.Equal(RelayEnd.BrowserClosed, await running);
        var sent = AudioSent(harness.Fake);
        Assert.Equal([640, 640, 640], sent.Select(a => a.Length));
        Assert.Equal(audio, sent.SelectMany(a => a).ToArray());
    }

    [Fact]
    public async Task CloseRightBehindAFrameBurst_TheBurstStillReachesGemini()
    {
        using var harness = new Harness();
        var ct = harness.Token;
        var audio = TestAudio.NumberedPcm16(0.06);
        await harness.SendFramesAsync(audio);

        // The close frame is already waiting behind the audio when the relay starts reading.
        await harness.Browser.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
        Assert.Equal(RelayEnd.BrowserClosed, await harness.Session.RunAsync(CancellationToken.None, ct));

        var sent = AudioSent(harness.Fake);
        Assert.Single(sent);
        Assert.Equal(audio, sent[0]);
    }

    [Fact]
    public async Task ControlMessageBehindAFrameBurst_KeepsItsPlaceAfterTheAudio()
    {
        using var harness = new Harness();
        var ct = harness.Token;
        var audio = TestAudio.NumberedPcm16(0.04);
        await harness.SendFramesAsync(audio);
        await harness.Browser.SendAsync("""{"type":"text","text":"hi"}"""u8.ToArray(), WebSocketMessageType.Text, true, ct);
        await harness.Browser.SendAsync(audio.AsMemory(0, 640), WebSocketMessageType.Binary, true, ct);

        var items = await RunUntilAudioAsync(harness, audio.Length + 640, ct);
        Assert.Equal(3, items.Count);
        Assert.Equal(audio, Assert.IsType<byte[]>(items[0]));
        Assert.Equal("hi", Assert.IsType<string>(items[1]));
        Assert.Equal(audio[..640], Assert.IsType<byte[]>(items[2]));
    }

    [Fact]
    public async Task GatheredAudio_DoesNotWaitForTheRestOfAFrameStillOnItsWay()
    {
        using var harness = new Harness();
        var ct = harness.Token;
        var audio = TestAudio.NumberedPcm16(0.06);
        await harness.SendFramesAsync(audio[..1280]);

        // The third frame's header and its first 100 bytes are there; the rest is still on its way.
        var third = MaskedBinaryFrame(audio[1280..]);
        await harness.ClientStream.WriteAsync(third.AsMemory(0, 108), ct);
        var running = harness.Session.RunAsync(CancellationToken.None, ct);
        await WaitForAudioAsync(harness.Fake, 1280, ct);
        Assert.Equal([1280], AudioSent(harness.Fake).Select(a => a.Length));

        await harness.ClientStream.WriteAsync(third.AsMemory(108), ct);
        await WaitForAudioAsync(harness.Fake, audio.Length, ct);
        await harness.Browser.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
        Assert.Equal(RelayEnd.BrowserClosed, await running);
        Assert.Equal(audio, AudioSent(harness.Fake).SelectMany(a => a).ToArray());
    }

    [Fact]
    public async Task TooBigFrameAfterABurst_TheBurstStillReachesGemini()
    {
        using var harness = new Harness(new RelayOptions { MaxMessageBytes = 4096 });
        var ct = harness.Token;
        var audio = TestAudio.NumberedPcm16(0.06);
        await harness.SendFramesAsync(audio);
        await harness.Browser.SendAsync(new byte[8192], WebSocketMessageType.Binary, true, ct);

        Assert.Equal(RelayEnd.MessageTooBig, await harness.Session.RunAsync(CancellationToken.None, ct));
        Assert.Equal(audio, AudioSent(harness.Fake).SelectMany(a => a).ToArray());
    }

    [Fact]
    public async Task BrowserVanishesRightAfterABurst_TheBurstStillReachesGemini()
    {
        using var harness = new Harness();
        var ct = harness.Token;
        var audio = TestAudio.NumberedPcm16(0.07); // three 20 ms frames and a 10 ms one, gathered together
        await harness.SendFramesAsync(audio);

        // No close frame: the connection just ends (tab killed, network gone).
        await harness.ClientStream.DisposeAsync();
        Assert.Equal(RelayEnd.BrowserDisconnected, await harness.Session.RunAsync(CancellationToken.None, ct));
        Assert.Equal(audio, AudioSent(harness.Fake).SelectMany(a => a).ToArray());
    }

    /// <summary>A client's binary frame as RFC 6455 puts it on the wire (masked; a zero key leaves the payload as is).</summary>
    private static byte[] MaskedBinaryFrame(byte[] payload)
    {
        Assert.InRange(payload.Length, 126, ushort.MaxValue);
        var frame = new byte[8 + payload.Length];
        frame[0] = 0x82; // FIN, binary
        frame[1] = 0x80 | 126; // masked, 16-bit length follows
        frame[2] = (byte)(payload.Length >> 8);
        frame[3] = (byte)payload.Length;
        payload.CopyTo(frame.AsSpan(8)); // bytes 4..7: the masking key, zero
        return frame;
    }

    /// <summary>
    /// A relay session for 16 kHz PCM16 (passed through byte for byte) on an in-memory browser socket and a fake Gemini,
    /// with the test's timeout; disposed together.
    /// </summary>
    private sealed class Harness : IDisposable
    {
        private readonly WebSocket _server;
        private readonly SessionClock _clock = new(NullLogger<SessionClock>.Instance);
        private readonly CancellationTokenSource _timeout = TestTimeout.Create();

        public Harness(RelayOptions? options = null)
        {
            var format = new InputFormat(16000, GeminiLiveRelay.Audio.SampleEncoding.Pcm16, 1);
            var (serverStream, clientStream) = GatedDuplexStream.CreatePair(Task.CompletedTask);
            ClientStream = clientStream;
            _server = WebSocket.CreateFromStream(serverStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
            Browser = WebSocket.CreateFromStream(clientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
            Session = new RelaySession(_server, new RelaySessionSetup("test", format, options ?? new RelayOptions(), _clock),
                (_, _) => Task.FromResult<IGeminiSession>(Fake), NullLogger.Instance);
        }

        public WebSocket Browser { get; }

        /// <summary>The browser's end of the connection, for bytes no WebSocket would write (a frame cut short).</summary>
        public Stream ClientStream { get; }

        public FakeGeminiSession Fake { get; } = new();

        public RelaySession Session { get; }

        public CancellationToken Token => _timeout.Token;

        /// <summary>Sends the audio as 20 ms binary frames, one message each.</summary>
        public async Task SendFramesAsync(byte[] audio)
        {
            foreach (var frame in audio.Chunk(640))
            {
                await Browser.SendAsync(frame, WebSocketMessageType.Binary, true, Token);
            }
        }

        public void Dispose()
        {
            Session.Dispose();
            Browser.Dispose();
            _server.Dispose();
            _clock.Dispose();
            _timeout.Dispose();
        }
    }

    private static List<byte[]> AudioSent(FakeGeminiSession fake)
    {
        lock (fake.Sent)
        {
            return [.. fake.Sent.OfType<byte[]>()];
        }
    }

    /// <summary>Runs the session until Gemini has <paramref name="bytes"/> of audio, closes the browser; returns all sent.</summary>
    private static async Task<List<object>> RunUntilAudioAsync(Harness harness, int bytes, CancellationToken ct)
    {
        var running = harness.Session.RunAsync(CancellationToken.None, ct);
        await WaitForAudioAsync(harness.Fake, bytes, ct);
        await harness.Browser.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
        Assert.Equal(RelayEnd.BrowserClosed, await running);
        lock (harness.Fake.Sent)
        {
            return [.. harness.Fake.Sent];
        }
    }

    private static async Task WaitForAudioAsync(FakeGeminiSession fake, int bytes, CancellationToken ct)
    {
        while (AudioSent(fake).Sum(a => a.Length) < bytes)
        {
            await Task.Delay(5, ct);
        }
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
            length += result.Count;
        }
        while (!result.EndOfMessage);

        return (result.MessageType, buffer[..length]);
    }
}
