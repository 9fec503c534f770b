using System.Net;
using System.Net.WebSockets;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Browser;

/// <summary>Bad input gets a clear error and the session goes on; one bad client never affects another.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task BadFrameOnOneSession_ErrorsThatSessionOnly_AndBothKeepWorking()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            await connection.WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["audioStreamEnd"] is not null), token);
            await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(7)), token);
            await connection.SendAsync(GeminiMessages.TurnComplete(), token);
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var bad = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await using var good = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await bad.WaitForEventAsync("ready", ct);
        await good.WaitForEventAsync("ready", ct);
        var tone = TestAudio.TonePcm16(48000, 440, 1);

        await bad.SendAudioAsync(new byte[1921], ct); // not a whole number of PCM16 samples
        var streaming = good.StreamAsync(tone, 1920, ct);
        var error = await bad.WaitForEventAsync("error", ct);
        await bad.StreamAsync(tone, 1920, ct); // the bad session still works afterwards
        await streaming;
        await bad.SendJsonAsync("""{"type":"audioStreamEnd"}""", ct);
        await good.SendJsonAsync("""{"type":"audioStreamEnd"}""", ct);
        await bad.WaitForEventAsync("turnComplete", ct);
        await good.WaitForEventAsync("turnComplete", ct);

        Assert.Equal("bad_audio_frame", (string?)error["code"]);
        Assert.Empty(good.EventsOfType("error"));
        Assert.Equal(TestAudio.ModelSpeech(7), good.Audio());
        Assert.Equal(TestAudio.ModelSpeech(7), bad.Audio());
        Assert.All(mock.Connections, c =>
        {
            Assert.Empty(c.Violations);
            Assert.InRange(c.ReceivedAudio().Length, (tone.Length / 3) - 640, (tone.Length / 3) + 640);
        });
    }

    [Theory]
    [InlineData("not json", "bad_message")]
    [InlineData("""{"type":"dance"}""", "bad_message")]
    [InlineData("""{"text":"no type"}""", "bad_message")]
    [InlineData("""{"type":"text"}""", "bad_message")]
    [InlineData("""[1,2,3]""", "bad_message")]
    [InlineData("null", "bad_message")]
    [InlineData("""{"type":"text","text":5}""", "bad_message")]
    public async Task BadTextFrame_GetsErrorEvent_AndSessionGoesOn(string frame, string code)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);

        await client.SendJsonAsync(frame, ct);
        var error = await client.WaitForEventAsync("error", ct);
        await client.SendJsonAsync("""{"type":"text","text":"still here?"}""", ct);
        var connection = mock.Connections.Single();
        await connection.WaitUntilAsync(c => c.Messages.Any(m => (string?)m["realtimeInput"]?["text"] == "still here?"), ct);

        Assert.Equal(code, (string?)error["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        Assert.Single(connection.Messages);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task FrameOverSizeLimit_GetsErrorThen1009()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Relay:MaxMessageBytes"] = "4096" });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);

        await client.SendAudioAsync(new byte[4096], ct); // exactly the limit: accepted
        await client.SendAudioAsync(new byte[4098], ct);
        await client.Closed.WaitAsync(ct);

        Assert.Equal("message_too_big", (string?)client.EventsOfType("error").Single()["code"]);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
        var connection = mock.Connections.Single();
        await connection.Ended.WaitAsync(ct);
    }

    [Theory]
    [InlineData("sampleRate=7999", "sampleRate")]
    [InlineData("sampleRate=192001", "sampleRate")]
    [InlineData("sampleRate=48k", "sampleRate")]
    [InlineData("sampleRate=48000&sampleRate=16000", "sampleRate")]
    [InlineData("encoding=mp3", "encoding")]
    [InlineData("channels=6", "channels")]
    public async Task InvalidQuery_IsRefusedBeforeTheUpgradeWith400(string query, string named)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(relay.LiveUri(query), ct));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
        using var http = new HttpClient();
        using var response = await http.GetAsync(relay.HttpUri("/live?" + query), ct);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Empty(mock.Connections);
    }

    [Fact]
    public async Task PlainHttpRequest_Gets400WithAMessage()
    {
        using var timeout = TestTimeout.Create();
        await using var relay = new RelayApplication(null);
        using var http = new HttpClient();

        using var response = await http.GetAsync(relay.HttpUri("/live"), timeout.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
    }
}
