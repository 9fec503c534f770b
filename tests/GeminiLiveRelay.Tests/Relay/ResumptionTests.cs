using System.Net.WebSockets;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Relay;

/// <summary>
/// Conversations that outlive Gemini connections (time compressed: goAway with seconds left, tiny margins):
/// handles, quiet-point switches, buffered audio with no gap or duplicate, and browser resume tokens.
/// </summary>
public sealed class ResumptionTests
{
    private static readonly Dictionary<string, string?> Compressed = new() { ["Relay:GoAwayMargin"] = "00:00:00.200" };

    [Fact]
    public async Task GoAway_SwitchesOnceWithTheLatestHandle_AndNoAudioIsLostOrRepeated()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            if (Index(mock, connection) == 0)
            {
                await connection.SendAsync(GeminiMessages.ResumptionUpdate("handle-1"), token);
                await connection.WaitUntilAsync(c => c.ReceivedAudio().Length >= 16000, token); // 0.5 s in
                await connection.SendAsync(GeminiMessages.ResumptionUpdate("handle-2"), token);
                await connection.SendAsync(GeminiMessages.ResumptionUpdate(string.Empty, resumable: false), token);
                await connection.SendAsync(GeminiMessages.GoAway("1s"), token);
            }
        };
        await using var relay = new RelayApplication(mock.BaseUrl, Compressed);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);
        await client.WaitForEventAsync("ready", ct);
        var audio = TestAudio.NumberedPcm16(3);

        await client.StreamPacedAsync(audio, 640, TimeSpan.FromMilliseconds(10), ct);
        await client.SendJsonAsync("""{"type":"audioStreamEnd"}""", ct);
        await mock.WaitForConnectionCountAsync(2, ct);
        await mock.Connections[^1].WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["audioStreamEnd"] is not null), ct);
        await client.FlushAsync(mock.Connections[^1], ct); // reconnecting and resumed have arrived

        Assert.Equal(2, mock.Connections.Count);
        var (first, second) = (mock.Connections[0], mock.Connections[1]);
        Assert.Equal("handle-2", (string?)second.Setup!["sessionResumption"]!["handle"]);
        Assert.Null(first.Setup!["sessionResumption"]!["handle"]);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, first.ClientCloseStatus); // closed by the relay, cleanly
        Assert.Equal(audio, first.ReceivedAudio().Concat(second.ReceivedAudio()).ToArray());
        var order = client.Order.Where(o => o is "ready" or "reconnecting" or "resumed").ToList();
        Assert.Equal(["ready", "reconnecting", "resumed"], order);
        Assert.Equal("goAway", (string?)client.EventsOfType("reconnecting").Single()["reason"]);
        Assert.True((bool)client.EventsOfType("resumed").Single()["restored"]!);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
        Assert.All(mock.Connections, c => Assert.Empty(c.Violations));
    }

    [Fact]
    public async Task GoAwayDuringAModelTurn_WaitsForTheTurnToFinish()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        var closedBeforeTurnEnded = true;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            if (Index(mock, connection) == 0)
            {
                await connection.SendAsync(GeminiMessages.ResumptionUpdate("handle-1"), token);
                await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(1)), token); // the model is talking
                await connection.SendAsync(GeminiMessages.GoAway("5s"), token);
                await Task.Delay(700, token);
                closedBeforeTurnEnded = connection.Ended.IsCompleted;
                await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(2)), token);
                await connection.SendAsync(GeminiMessages.TurnComplete(), token);
            }
        };
        await using var relay = new RelayApplication(mock.BaseUrl, Compressed);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.WaitForEventAsync("resumed", ct);

        Assert.False(closedBeforeTurnEnded);
        Assert.Equal(TestAudio.ModelSpeech(1).Concat(TestAudio.ModelSpeech(2)).ToArray(), client.Audio()); // the whole answer
        Assert.Equal("handle-1", (string?)mock.Connections[1].Setup!["sessionResumption"]!["handle"]);
    }

    [Fact]
    public async Task FiveGoAways_WithAudioStreamingThroughout_LoseNothing()
    {
        using var timeout = TestTimeout.Create(90);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            var index = Index(mock, connection);
            if (index < 5)
            {
                await connection.SendAsync(GeminiMessages.ResumptionUpdate($"handle-{index + 1}"), token);
                await connection.WaitUntilAsync(c => c.ReceivedAudio().Length >= 9600, token); // 0.3 s each
                await connection.SendAsync(GeminiMessages.GoAway("1s"), token);
            }
        };
        await using var relay = new RelayApplication(mock.BaseUrl, Compressed);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);
        await client.WaitForEventAsync("ready", ct);
        var audio = TestAudio.NumberedPcm16(4);

        var streaming = client.StreamPacedAsync(audio, 640, TimeSpan.FromMilliseconds(8), ct);
        await mock.WaitForConnectionCountAsync(6, ct);
        await streaming;
        await client.SendJsonAsync("""{"type":"audioStreamEnd"}""", ct);
        await mock.Connections[5].WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["audioStreamEnd"] is not null), ct);
        await client.FlushAsync(mock.Connections[5], ct); // every resumed event has arrived

        Assert.Equal(6, mock.Connections.Count);
        for (var i = 1; i < 6; i++)
        {
            Assert.Equal($"handle-{i}", (string?)mock.Connections[i].Setup!["sessionResumption"]!["handle"]);
        }

        Assert.Equal(audio, mock.Connections.SelectMany(c => c.ReceivedAudio()).ToArray());
        Assert.Equal(5, client.EventsOfType("resumed").Count);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task ResumptionOff_GoAwayWarnsThatTheSessionIsExpiring()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = (connection, token) => connection.SendAsync(GeminiMessages.GoAway("30s"), token);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Gemini:SessionResumption"] = "false" });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        var expiring = await client.WaitForEventAsync("sessionExpiring", ct);

        Assert.Equal(30, (double)expiring["secondsLeft"]!);
        Assert.Single(mock.Connections);
        Assert.Null(mock.Connections[0].Setup!["sessionResumption"]);
    }

    [Fact]
    public async Task BrowserReconnectsWithItsResumeToken_AndGeminiGetsTheHandle()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            if (Index(mock, connection) == 0)
            {
                await connection.SendAsync(GeminiMessages.ResumptionUpdate("handle-xyz"), token);
            }
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        var first = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        var token = (string?)(await first.WaitForEventAsync("resumeToken", ct))["token"];
        await first.DisposeAsync(); // the network dropped

        await using var second = await LiveClient.ConnectAsync(relay.LiveUri("resume=" + Uri.EscapeDataString(token!)), ct);
        await second.WaitForEventAsync("ready", ct);

        Assert.Equal("handle-xyz", (string?)mock.Connections[^1].Setup!["sessionResumption"]!["handle"]);
        Assert.DoesNotContain("handle-xyz", token, StringComparison.Ordinal); // opaque: encrypted, not just signed
    }

    [Theory]
    [InlineData("tampered", "not valid")]
    [InlineData("expired", "expired")]
    public async Task BadResumeToken_IsRefusedWithAClearError(string kind, string says)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = (connection, token) => connection.SendAsync(GeminiMessages.ResumptionUpdate("handle-1"), token);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Relay:ResumeTokenLifetime"] = "00:00:01" });
        await using var first = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        var token = (string)(await first.WaitForEventAsync("resumeToken", ct))["token"]!;
        if (kind == "tampered")
        {
            token = token[..^6] + (token[^6] == 'A' ? "B" : "A") + token[^5..];
        }
        else
        {
            await Task.Delay(2100, ct); // lifetimes are whole seconds
        }

        await using var second = await LiveClient.ConnectAsync(relay.LiveUri("resume=" + Uri.EscapeDataString(token)), ct);
        await second.Closed.WaitAsync(ct);

        var error = second.EventsOfType("error").Single();
        Assert.Equal("invalid_resume_token", (string?)error["code"]);
        Assert.Contains(says, (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, second.CloseStatus);
        Assert.Single(mock.Connections); // no Gemini session was opened for it
    }

    [Fact]
    public async Task ResumeToken_OfAnotherSignedInUser_IsRefused()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = (connection, token) => connection.SendAsync(GeminiMessages.ResumptionUpdate("alices-handle"), token);
        await using var relay = new RelayApplication(mock.BaseUrl, new()
        {
            ["Relay:Auth:Mode"] = "keys",
            ["Relay:Auth:Keys:0:Name"] = "alice",
            ["Relay:Auth:Keys:0:Key"] = "alice-key-0123456789abcdefghij",
            ["Relay:Auth:Keys:1:Name"] = "bob",
            ["Relay:Auth:Keys:1:Key"] = "bob-key-0123456789abcdefghijkl",
        });
        await using var alice = await LiveClient.ConnectAsync(relay.LiveUri("access_token=alice-key-0123456789abcdefghij"), ct);
        var token = (string)(await alice.WaitForEventAsync("resumeToken", ct))["token"]!;

        await using var bob = await LiveClient.ConnectAsync(
            relay.LiveUri("access_token=bob-key-0123456789abcdefghijkl&resume=" + Uri.EscapeDataString(token)), ct);
        await bob.Closed.WaitAsync(ct);

        var error = bob.EventsOfType("error").Single();
        Assert.Equal("invalid_resume_token", (string?)error["code"]);
        Assert.Contains("another user", (string?)error["message"], StringComparison.Ordinal);
        Assert.Single(mock.Connections); // bob never reached alice's conversation
    }

    private static int Index(MockGeminiServer mock, MockGeminiConnection connection) =>
        mock.Connections.ToList().IndexOf(connection);
}
