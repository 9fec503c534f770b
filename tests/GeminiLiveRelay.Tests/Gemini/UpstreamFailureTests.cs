using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Gemini;

/// <summary>Every way Gemini can fail gives the browser an <c>error</c> event, then close 1011: never a hang or silence.</summary>
public sealed class UpstreamFailureTests
{
    [Theory]
    [InlineData(1007, "Request contains an invalid argument.", "invalid_config", 1)]
    [InlineData(1008, "models/gemini-x is not found for API version v1, or is not supported for bidiGenerateContent", "policy", 1)]
    [InlineData(1011, "You exceeded your current quota, please check your plan and billing details.", "quota", 1)]
    [InlineData(1011, "Internal error occurred.", "unavailable", 3)] // transient: retried (Relay:ReconnectAttempts = 2)
    public async Task SetupRejected_BrowserGetsGeminiCodeAndReason_Then1011(int code, string reason, string category, int connections)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.SetupBehavior = MockSetupBehavior.Close;
        mock.SetupCloseCode = code;
        mock.SetupCloseReason = reason;
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Relay:ReconnectAttempts"] = "2" });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.Closed.WaitAsync(ct);

        var error = client.EventsOfType("error").Single();
        Assert.Equal("upstream_closed", (string?)error["code"]);
        Assert.Equal(category, (string?)error["category"]);
        Assert.Equal(code, (int)error["closeCode"]!);
        Assert.Equal(reason, (string?)error["closeReason"]);
        Assert.Contains(reason, (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
        Assert.Equal(connections, mock.Connections.Count);
        Assert.Equal(connections - 1, client.EventsOfType("reconnecting").Count);
        Assert.Empty(client.EventsOfType("ready"));
    }

    [Theory]
    [InlineData(1007, "Request contains an invalid argument.", "invalid_config")]
    [InlineData(1008, "Your API key was reported as leaked. Please use another API key.", "policy")]
    [InlineData(1011, "RESOURCE_EXHAUSTED: Maximum concurrent se", "quota")]
    public async Task ClosedMidSessionForGood_BrowserGetsErrorThen1011(int code, string reason, string category)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(0)), token);
            await connection.CloseAsync(code, reason, token);
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.Closed.WaitAsync(ct);

        Assert.Equal(["ready", "audio", "error"], client.Order);
        var error = client.EventsOfType("error").Single();
        Assert.Equal("upstream_closed", (string?)error["code"]);
        Assert.Equal(category, (string?)error["category"]);
        Assert.Single(mock.Connections); // not retried
        Assert.Equal(code, (int)error["closeCode"]!);
        Assert.Equal(reason, (string?)error["closeReason"]);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
    }

    [Fact]
    public async Task SetupNeverAnswered_TimesOutWithSetupTimeoutError()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.SetupBehavior = MockSetupBehavior.NeverAnswer;
        await using var relay = new RelayApplication(mock.BaseUrl, new()
        {
            ["Gemini:SetupTimeout"] = "00:00:00.500",
            ["Relay:ReconnectAttempts"] = "1",
        });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.StreamAsync(TestAudio.TonePcm16(48000, 440, 0.2), 1920, ct);

        await client.Closed.WaitAsync(ct);

        Assert.Equal(["reconnecting", "error"], client.Order); // one retry, then the error
        Assert.Equal("setup_timeout", (string?)client.EventsOfType("error").Single()["code"]);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
        Assert.Equal(2, mock.Connections.Count);
        foreach (var connection in mock.Connections)
        {
            await connection.Ended.WaitAsync(ct); // the relay gave up on each upstream socket
            Assert.Empty(connection.Messages); // audio was held back, never sent before setupComplete
        }
    }

    [Fact]
    public async Task TcpDroppedDuringSetup_ReportsAbnormalClose()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.SetupBehavior = MockSetupBehavior.Drop;
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Relay:ReconnectAttempts"] = "3" });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.Closed.WaitAsync(ct);

        Assert.Equal(4, mock.Connections.Count); // back-off retries, then give up
        Assert.Equal([1, 2, 3], client.EventsOfType("reconnecting").Select(e => (int)e["attempt"]!));
        var error = client.EventsOfType("error").Single();
        Assert.Equal("upstream_closed", (string?)error["code"]);
        Assert.Equal("unavailable", (string?)error["category"]);
        Assert.Equal(1006, (int)error["closeCode"]!);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
    }

    [Fact]
    public async Task TcpDroppedMidSession_ReconnectsWithTheHandle_AndTheBrowserStaysConnected()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            if (mock.Connections.Count == 1)
            {
                await connection.SendAsync(GeminiMessages.ResumptionUpdate("handle-A"), token);
                await connection.SendAsync(GeminiMessages.OutputTranscript("Hello"), token);
                await connection.SendAsync(GeminiMessages.TurnComplete(), token);
                await Task.Delay(100, token);
                connection.Drop();
            }
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.WaitForEventAsync("resumed", ct);

        Assert.Equal(["ready", "resumeToken", "outputTranscript", "turnComplete", "usage", "reconnecting", "resumed"], client.Order);
        Assert.Equal("unavailable", (string?)client.EventsOfType("reconnecting").Single()["reason"]);
        Assert.True((bool)client.EventsOfType("resumed").Single()["restored"]!);
        Assert.Equal("handle-A", (string?)mock.Connections[1].Setup!["sessionResumption"]!["handle"]);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task NothingListening_ReportsUpstreamUnavailable()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // the port is now closed: connects are refused
        await using var relay = new RelayApplication(new Uri($"http://127.0.0.1:{port}"), new() { ["Relay:ReconnectAttempts"] = "2" });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.Closed.WaitAsync(ct);

        Assert.Equal(["reconnecting", "reconnecting", "error"], client.Order);
        var error = client.EventsOfType("error").Single();
        Assert.Equal("upstream_unavailable", (string?)error["code"]);
        Assert.Equal("unavailable", (string?)error["category"]);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
    }
}
