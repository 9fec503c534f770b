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
    [InlineData(1007, "Request contains an invalid argument.")]
    [InlineData(1008, "models/gemini-x is not found for API version v1, or is not supported for bidiGenerateContent")]
    [InlineData(1011, "Internal error occurred.")]
    public async Task SetupRejected_BrowserGetsGeminiCodeAndReason_Then1011(int code, string reason)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.SetupBehavior = MockSetupBehavior.Close;
        mock.SetupCloseCode = code;
        mock.SetupCloseReason = reason;
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.Closed.WaitAsync(ct);

        var error = Assert.Single(client.Events);
        Assert.Equal("error", (string?)error["type"]);
        Assert.Equal("upstream_closed", (string?)error["code"]);
        Assert.Equal(code, (int)error["closeCode"]!);
        Assert.Equal(reason, (string?)error["closeReason"]);
        Assert.Contains(reason, (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
    }

    [Theory]
    [InlineData(1007, "Request contains an invalid argument.")]
    [InlineData(1008, "Your API key was reported as leaked. Please use another API key.")]
    [InlineData(1011, "Deadline expired before operation could complete.")]
    public async Task ClosedMidSession_BrowserGetsErrorThen1011(int code, string reason)
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
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Gemini:SetupTimeout"] = "00:00:00.500" });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.StreamAsync(TestAudio.TonePcm16(48000, 440, 0.2), 1920, ct);

        await client.Closed.WaitAsync(ct);

        var error = Assert.Single(client.Events);
        Assert.Equal("setup_timeout", (string?)error["code"]);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
        var connection = mock.Connections.Single();
        await connection.Ended.WaitAsync(ct); // the relay gave up on the upstream socket too
        Assert.Empty(connection.Messages); // audio was held back, never sent before setupComplete
    }

    [Fact]
    public async Task TcpDroppedDuringSetup_ReportsAbnormalClose()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.SetupBehavior = MockSetupBehavior.Drop;
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.Closed.WaitAsync(ct);

        var error = Assert.Single(client.Events);
        Assert.Equal("upstream_closed", (string?)error["code"]);
        Assert.Equal(1006, (int)error["closeCode"]!);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
    }

    [Fact]
    public async Task TcpDroppedMidSession_ReportsAbnormalClose()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            await connection.SendAsync(GeminiMessages.OutputTranscript("Hello"), token);
            await Task.Delay(100, token);
            connection.Drop();
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.Closed.WaitAsync(ct);

        Assert.Equal(["ready", "outputTranscript", "error"], client.Order);
        Assert.Equal(1006, (int)client.EventsOfType("error").Single()["closeCode"]!);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
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
        await using var relay = new RelayApplication(new Uri($"http://127.0.0.1:{port}"));
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.Closed.WaitAsync(ct);

        var error = Assert.Single(client.Events);
        Assert.Equal("upstream_unavailable", (string?)error["code"]);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
    }
}
