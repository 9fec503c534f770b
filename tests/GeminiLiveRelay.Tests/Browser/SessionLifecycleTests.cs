using System.Net.WebSockets;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GeminiLiveRelay.Tests.Browser;

/// <summary>Sessions start, carry every message kind, and end cleanly on whichever side leaves.</summary>
public sealed class SessionLifecycleTests
{
    [Fact]
    public async Task BrowserLeaves_GeminiSessionIsClosedAtOnce()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        var connection = mock.Connections.Single();

        await client.CloseAsync(ct);
        await connection.Ended.WaitAsync(TimeSpan.FromSeconds(5), ct);

        Assert.Equal(WebSocketCloseStatus.NormalClosure, connection.ClientCloseStatus);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task BrowserVanishesWithoutClose_GeminiSessionIsClosed()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        var connection = mock.Connections.Single();

        await client.DisposeAsync(); // aborts the TCP connection: no close frame

        await connection.Ended.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    [Fact]
    public async Task ServerShutdown_ClosesBrowserWith1001_AndGeminiSession()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);

        relay.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await client.Closed.WaitAsync(ct);

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        await mock.Connections.Single().Ended.WaitAsync(ct);
    }

    [Fact]
    public async Task ServerMessageSplitAcrossFrames_WithMultiByteText_IsReassembled()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        const string Text = "Grüße aus Zürich ✓ — 你好";
        var audio = TestAudio.ModelSpeech(3, 9600);
        mock.Script = async (connection, token) =>
        {
            // Odd frame counts cut through multi-byte UTF-8 characters and the base64 run.
            await connection.SendSplitAsync(GeminiMessages.Audio(audio, outputTranscript: Text), 7, token);
            await connection.SendSplitAsync(GeminiMessages.TurnComplete(), 3, token);
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.WaitForEventAsync("usage", ct); // the last event: the turn's usageMetadata follows turnComplete

        Assert.Equal(audio, client.Audio());
        Assert.Equal(Text, (string?)client.EventsOfType("outputTranscript").Single()["text"]);
        Assert.Equal(["ready", "audio", "outputTranscript", "turnComplete", "usage"], client.Order);
    }

    [Fact]
    public async Task ControlMessages_ReachGeminiInOrder_AfterTheAudioBeforeThem()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000&vad=manual"), ct);
        await client.WaitForEventAsync("ready", ct);

        await client.SendJsonAsync("""{"type":"activityStart"}""", ct);
        await client.SendAudioAsync(new byte[320], ct); // 10 ms: below the 20 ms chunk, flushed by the next message
        await client.SendJsonAsync("""{"type":"activityEnd"}""", ct);
        await client.SendJsonAsync("""{"type":"text","text":"Wie spät ist es? \"Jetzt\""}""", ct);
        var connection = mock.Connections.Single();
        await connection.WaitUntilAsync(c => c.Messages.Count == 4, ct);

        var kinds = connection.Messages.Select(m => m["realtimeInput"]!.AsObject().Single().Key).ToList();
        Assert.Equal(["activityStart", "audio", "activityEnd", "text"], kinds);
        Assert.Equal("Wie spät ist es? \"Jetzt\"", (string?)connection.Messages[3]["realtimeInput"]!["text"]);
        Assert.Equal(320, connection.ReceivedAudio().Length);
        Assert.Equal(true, (bool?)connection.Setup!["realtimeInputConfig"]!["automaticActivityDetection"]!["disabled"]);
        Assert.Empty(connection.Violations);
        Assert.Empty(client.EventsOfType("error"));
    }

    [Fact]
    public async Task ModelTextParts_AreForwardedAsText_ButThoughtsAreNot()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            await connection.SendAsync(GeminiMessages.ModelText("**Planning the reply**", thought: true), token);
            await connection.SendAsync(GeminiMessages.ModelText("Hello there."), token);
            await connection.SendAsync(GeminiMessages.TurnComplete(), token);
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.WaitForEventAsync("turnComplete", ct);

        Assert.Equal("Hello there.", (string?)client.EventsOfType("text").Single()["text"]);
    }

    [Fact]
    public async Task EverySessionLogLine_CarriesTheSessionId()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = (connection, token) => connection.CloseAsync(1011, "Internal error occurred.", token);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        var ready = await client.WaitForEventAsync("ready", ct);
        await client.Closed.WaitAsync(ct);
        await WaitForLogAsync(relay, "SessionEnded", ct);

        var sessionId = (string?)ready["sessionId"];
        var sessionEvents = relay.Logs.Events
            .Where(e => e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().Contains("GeminiLiveRelay", StringComparison.Ordinal))
            .Where(e => !e.Properties["SourceContext"].ToString().Contains("BackendBanner", StringComparison.Ordinal))
            .Where(e => !e.Properties["SourceContext"].ToString().Contains(".Access.", StringComparison.Ordinal)) // before a session exists
            .ToList();
        Assert.Contains(sessionEvents, e => e.MessageTemplate.Text.StartsWith("Session ended", StringComparison.Ordinal));
        Assert.Contains(sessionEvents, e => e.MessageTemplate.Text.StartsWith("Gemini closed the session", StringComparison.Ordinal));
        Assert.All(sessionEvents, e => Assert.True(
            e.Properties.TryGetValue("SessionId", out var id) && id.ToString() == $"\"{sessionId}\"",
            $"no SessionId on: {e.Properties["SourceContext"]} {e.RenderMessage()}"));
    }

    private static async Task WaitForLogAsync(RelayApplication relay, string eventName, CancellationToken ct)
    {
        while (!relay.Logs.Events.Any(e => e.Properties.TryGetValue("EventId", out var id) && id.ToString().Contains(eventName, StringComparison.Ordinal)))
        {
            if (ct.IsCancellationRequested)
            {
                Assert.Fail(string.Join("\n", relay.Logs.Events.Select(e => e.RenderMessage() + " " + string.Join(",", e.Properties.Keys))));
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
