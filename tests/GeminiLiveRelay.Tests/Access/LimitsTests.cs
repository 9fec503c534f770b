using System.Net;
using System.Net.WebSockets;
using GeminiLiveRelay.Access;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GeminiLiveRelay.Tests.Access;

/// <summary>No one can run up unbounded cost or memory: caps, rates, budgets, backpressure, and a graceful drain.</summary>
public sealed class LimitsTests
{
    [Theory]
    [InlineData("Relay:MaxSessions", "Relay:MaxSessions")]
    [InlineData("Relay:MaxSessionsPerUser", "Relay:MaxSessionsPerUser")]
    [InlineData("Relay:MaxSessionsPerIp", "Relay:MaxSessionsPerIp")]
    public async Task ConcurrencyCap_RefusesTheNextSessionWith429AndAReason(string key, string mentions)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { [key] = "1" });
        await using var first = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await first.WaitForEventAsync("ready", ct);

        using var http = new HttpClient();
        using var refused = await http.GetAsync(relay.HttpUri("/live"), ct);
        var (status, second) = await LiveClient.TryConnectAsync(relay.LiveUri(), ct);
        await first.CloseAsync(ct);
        await SessionReleasedAsync(relay, ct);
        var (afterwards, third) = await LiveClient.TryConnectAsync(relay.LiveUri(), ct); // the place was given back
        await using var _ = third;
        await mock.WaitForConnectionCountAsync(2, ct);

        Assert.Null(second);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains(mentions, await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, afterwards);
        Assert.Equal(2, mock.Connections.Count); // the refused one never reached Gemini
    }

    [Fact]
    public async Task ConnectRate_IsLimitedPerClient()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var relay = new RelayApplication(null, new() { ["Relay:ConnectsPerMinute"] = "3" });
        using var http = new HttpClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await http.GetAsync(relay.HttpUri("/live"), ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task DailyBudget_WhenUsedUp_RefusesNewSessions()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        await using var relay = new RelayApplication(null, new() { ["Relay:DailyMinutesPerUser"] = "5" })
        {
            ConfigureTestServices = services => services.AddSingleton<TimeProvider>(clock),
        };
        await using (var first = await LiveClient.ConnectAsync(relay.LiveUri(), ct))
        {
            await first.WaitForEventAsync("ready", ct);
            clock.Advance(TimeSpan.FromMinutes(6)); // the session "lasted" six minutes
            await first.CloseAsync(ct);
        }

        await SessionReleasedAsync(relay, ct);
        using var http = new HttpClient();
        using var refused = await http.GetAsync(relay.HttpUri("/live"), ct);
        clock.Advance(TimeSpan.FromDays(1));
        using var nextDay = await http.GetAsync(relay.HttpUri("/live"), ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Relay:DailyMinutesPerUser", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nextDay.StatusCode); // admitted again (then refused as not a WebSocket)
    }

    [Fact]
    public async Task DailyBudget_IsSharedByAUsersParallelSessions_AndEndsThemWhenSpent()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        await using var relay = new RelayApplication(null, new() { ["Relay:DailyMinutesPerUser"] = "10", ["Relay:MaxSessionsPerUser"] = "5" })
        {
            ConfigureTestServices = services => services.AddSingleton<TimeProvider>(clock),
        };
        await using var first = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await using var second = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await first.WaitForEventAsync("ready", ct);
        await second.WaitForEventAsync("ready", ct);

        clock.Advance(TimeSpan.FromMinutes(6)); // 6 minutes each: 12 of the 10 are spent
        await first.Closed.WaitAsync(ct);
        await second.Closed.WaitAsync(ct);
        using var http = new HttpClient();
        using var refused = await http.GetAsync(relay.HttpUri("/live"), ct);

        foreach (var client in new[] { first, second })
        {
            Assert.Equal("dailyBudget", (string?)client.EventsOfType("sessionExpiring").Single()["reason"]);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Fact]
    public async Task DailyBudget_Zero_MeansNoBudget_AndSessionsRunOn()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var relay = new RelayApplication(null, new() { ["Relay:DailyMinutesPerUser"] = "0" });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);
        await client.WaitForEventAsync("ready", ct);

        // The budget is looked at about once a second: several looks pass while the session streams.
        for (var i = 0; i < 40; i++)
        {
            await client.SendAudioAsync(new byte[640], ct);
            await Task.Delay(50, ct);
        }

        var openAfterwards = client.Closed.IsCompleted;
        await client.CloseAsync(ct);

        Assert.False(openAfterwards, "the session ended while streaming with no daily budget");
        Assert.Empty(client.EventsOfType("sessionExpiring"));
        Assert.Empty(client.EventsOfType("error"));
        Assert.DoesNotContain(relay.Logs.Events, e => e.Level >= Serilog.Events.LogEventLevel.Error);
    }

    [Theory]
    [InlineData("Relay:IdleTimeout", "idle", "idle timeout")]
    [InlineData("Relay:MaxSessionDuration", "maxDuration", "session time limit reached")]
    public async Task TimeLimit_WarnsWithSessionExpiring_ThenClosesCleanly(string key, string reason, string closeReason)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var relay = new RelayApplication(null, new() { [key] = "00:00:02" });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);
        await client.WaitForEventAsync("ready", ct);
        if (reason == "maxDuration")
        {
            // Activity does not extend the session's maximum duration.
            _ = client.StreamPacedAsync(new byte[16000 * 2 * 4], 640, TimeSpan.FromMilliseconds(20), ct);
        }

        await client.Closed.WaitAsync(ct);

        var expiring = client.EventsOfType("sessionExpiring").Single();
        Assert.Equal(reason, (string?)expiring["reason"]);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Equal(closeReason, client.CloseDescription);
    }

    [Theory]
    [InlineData(null, 30)] // the default 15 s burst
    [InlineData("00:00:02", 4)] // Relay:MaxAudioBurst is configurable
    public async Task AudioFarFasterThanRealTime_BeyondTheBurst_GetsAnErrorAnd1008(string? burst, int secondsAtOnce)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var relay = new RelayApplication(null, burst is null ? [] : new() { ["Relay:MaxAudioBurst"] = burst });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);
        await client.WaitForEventAsync("ready", ct);

        await client.StreamAsync(new byte[16000 * 2 * secondsAtOnce], 3200, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        await client.Closed.WaitAsync(ct);

        var error = client.EventsOfType("error").Single();
        Assert.Equal("audio_too_fast", (string?)error["code"]);
        Assert.Contains("Relay:MaxAudioBurst", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
    }

    [Fact]
    public async Task AudioHeldBackByANetworkStall_IsKeptWhole_WithinTheBurst()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);
        await client.WaitForEventAsync("ready", ct);
        var connection = await mock.NextConnectionAsync(ct);

        // What a phone sends when its link comes back after a 12 s stall: all it recorded meanwhile, at once
        // (under the default 15 s Relay:MaxAudioBurst, far over 1.5x real time).
        var input = TestAudio.NumberedPcm16(12);
        await client.StreamAsync(input, 640, ct);
        await client.SendJsonAsync("""{"type":"audioStreamEnd"}""", ct);
        await connection.WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["audioStreamEnd"] is not null), ct);

        Assert.Equal(input, connection.ReceivedAudio());
        Assert.Empty(client.EventsOfType("error"));
        Assert.Null(client.CloseStatus);
    }

    [Theory]
    [InlineData("00:00:00.500")]
    [InlineData("00:10:00")]
    public async Task MaxAudioBurst_OutOfRange_StopsStartUp(string value)
    {
        await using var relay = new RelayApplication(null, new() { ["Relay:MaxAudioBurst"] = value });

        var failure = Assert.Single(Vertex.HostStartup.Failure(relay).Failures);
        Assert.Contains("Relay:MaxAudioBurst must be between 1 second and 5 minutes.", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrowserThatDoesNotRead_IsClosed_AndOtherSessionsCarryOn()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        var speech = TestAudio.ModelSpeech(5, 24000 * 2); // 1 s per message, sent as fast as the socket takes it
        mock.Script = async (connection, token) =>
        {
            if (mock.Connections.ToList().IndexOf(connection) == 0)
            {
                for (var i = 0; i < 600 && !connection.Ended.IsCompleted; i++)
                {
                    await connection.SendAsync(GeminiMessages.Audio(speech), token);
                }
            }
            else
            {
                await connection.SendAsync(GeminiMessages.OutputTranscript("fine here"), token);
            }
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        using var stuck = new ClientWebSocket();
        await stuck.ConnectAsync(relay.LiveUri(), ct); // never reads
        await mock.WaitForConnectionCountAsync(1, ct);
        await using var healthy = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await mock.Connections[0].Ended.WaitAsync(ct); // the relay gave up on the stuck browser and closed its Gemini session
        await healthy.WaitForEventAsync("outputTranscript", ct);

        await AccessTests.WaitForAsync(() => relay.Logs.Events.Any(e =>
            e.MessageTemplate.Text.StartsWith("Session ended", StringComparison.Ordinal) && e.Properties["End"].ToString() == "BrowserTooSlow"), ct);
        Assert.Equal(WebSocketState.Open, healthy.Socket.State);
    }

    [Fact]
    public async Task Shutdown_TellsTheBrowser_LetsTheModelFinish_ThenCloses1001()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Relay:ShutdownDrainPeriod"] = "00:00:10" });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        var connection = mock.Connections.Single();
        await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(1)), ct); // mid-sentence
        await client.WaitUntilAsync(c => c.Audio().Length > 0, ct); // the browser is hearing it

        var stopping = Task.Run(() => relay.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication(), ct);
        await client.WaitForEventAsync("shutdown", ct);
        await Task.Delay(500, ct);
        var closedEarly = client.Closed.IsCompleted;
        await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(2)), ct);
        await connection.SendAsync(GeminiMessages.TurnComplete(), ct);
        await client.Closed.WaitAsync(ct);
        await stopping;

        Assert.False(closedEarly);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        Assert.Equal(TestAudio.ModelSpeech(1).Concat(TestAudio.ModelSpeech(2)).ToArray(), client.Audio()); // the sentence finished
    }

    /// <summary>
    /// Waits until no session holds an admission place. The place, and the minutes a session used, are given back
    /// when its lease is released, just after the "Session ended" log line.
    /// </summary>
    private static Task SessionReleasedAsync(RelayApplication relay, CancellationToken ct) =>
        AccessTests.WaitForAsync(() => relay.Services.GetRequiredService<SessionAdmission>().Active == 0, ct);
}
