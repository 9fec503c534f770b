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
