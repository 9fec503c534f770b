using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Serilog.Events;

namespace GeminiLiveRelay.Tests;

/// <summary>
/// The real host starting (or refusing to): configuration errors stop start-up with a message naming the key to fix,
/// the offline echo is loud about itself, and the API key never reaches a log line or a URL.
/// </summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Production_WithoutKey_FailsToStartNamingGeminiApiKey()
    {
        await using var relay = new RelayApplication(geminiBaseUrl: null, environment: "Production");

        var error = StartupFailure(relay);

        Assert.Contains("GEMINI_API_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gemini:Backend=echo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxMessageBytesTooSmall_FailsToStartNamingTheKey()
    {
        await using var relay = new RelayApplication(geminiBaseUrl: null, new() { ["Relay:MaxMessageBytes"] = "10" });

        var error = StartupFailure(relay);

        Assert.Contains("Relay:MaxMessageBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidGeminiSetting_FailsToStartNamingTheKey()
    {
        await using var relay = new RelayApplication(geminiBaseUrl: null, new() { ["Gemini:ApiVersion"] = "1" });

        var error = StartupFailure(relay);

        Assert.Contains("Gemini:ApiVersion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_WithoutKey_StartsOnEchoAndSaysSoLoudly()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var relay = new RelayApplication(geminiBaseUrl: null);

        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        var ready = await client.WaitForEventAsync("ready", ct);

        Assert.Equal("echo", (string?)ready["backend"]);
        Assert.Contains(relay.Logs.Events, e =>
            e.Level == LogEventLevel.Warning && e.RenderMessage().Contains("OFFLINE ECHO", StringComparison.Ordinal));
        await client.CloseAsync(ct);
    }

    [Fact]
    public async Task Production_WithEchoBackend_StartsWithoutKey()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var relay = new RelayApplication(geminiBaseUrl: null, new() { ["Gemini:Backend"] = "echo" }, environment: "Production");

        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        var ready = await client.WaitForEventAsync("ready", ct);

        Assert.Equal("echo", (string?)ready["backend"]);
        Assert.Contains(relay.Logs.Events, e =>
            e.Level == LogEventLevel.Warning && e.RenderMessage().Contains("OFFLINE ECHO", StringComparison.Ordinal));
        await client.CloseAsync(ct);
    }

    [Fact]
    public async Task Gemini_WithKey_DoesNotClaimToBeEcho()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, environment: "Production");

        relay.LiveUri();

        Assert.DoesNotContain(relay.Logs.Events, e => e.RenderMessage().Contains("OFFLINE ECHO", StringComparison.Ordinal));
        Assert.Contains(relay.Logs.Events, e => e.RenderMessage().Contains("Gemini Live", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiKey_SentOnlyAsHeader_AndNeverLogged()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        var relay = new RelayApplication(mock.BaseUrl);
        await using (relay)
        {
            await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);
            var ready = await client.WaitForEventAsync("ready", ct);
            Assert.Equal("gemini", (string?)ready["backend"]);

            await client.StreamAsync(TestAudio.TonePcm16(16000, 440, 0.3), 640, ct);
            var connection = mock.Connections.Single();
            await connection.WaitUntilAsync(c => c.AudioMessageCount > 0, ct);
            await client.CloseAsync(ct);
            await connection.Ended.WaitAsync(ct);

            Assert.Equal(RelayApplication.TestApiKey, connection.ApiKeyHeader);
            Assert.DoesNotContain(RelayApplication.TestApiKey, connection.QueryString, StringComparison.Ordinal);
            Assert.DoesNotContain("key=", connection.QueryString, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(RelayApplication.TestApiKey, connection.Path, StringComparison.Ordinal);
            Assert.Empty(connection.Violations);
        }

        // The host is stopped: every log line of the session (including its end) has been written.
        var events = relay.Logs.Events;
        Assert.Contains(events, e => e.MessageTemplate.Text.StartsWith("Session ready", StringComparison.Ordinal));
        Assert.Contains(events, e => e.MessageTemplate.Text.StartsWith("Session ended", StringComparison.Ordinal));
        Assert.All(events, e =>
        {
            Assert.DoesNotContain(RelayApplication.TestApiKey, e.RenderMessage(), StringComparison.Ordinal);
            Assert.DoesNotContain(RelayApplication.TestApiKey, e.MessageTemplate.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(RelayApplication.TestApiKey, e.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            foreach (var (name, value) in e.Properties)
            {
                Assert.DoesNotContain(RelayApplication.TestApiKey, name, StringComparison.Ordinal);
                Assert.DoesNotContain(RelayApplication.TestApiKey, value.ToString(), StringComparison.Ordinal);
            }
        });
    }

    /// <summary>
    /// Starts the host, expects that to fail, and returns the validation error. WebApplicationFactory reports a
    /// minimal-hosting app whose start failed as an ObjectDisposedException (Program's <c>app.Run()</c> threw and
    /// disposed the host first); the real error is what the host logged as "Hosting failed to start".
    /// </summary>
    private static OptionsValidationException StartupFailure(RelayApplication relay)
    {
        var thrown = Assert.ThrowsAny<Exception>(() => relay.LiveUri());

        var candidates = new List<Exception>();
        for (var e = thrown; e is not null; e = e.InnerException)
        {
            candidates.Add(e);
        }

        candidates.AddRange(relay.Logs.Events
            .Where(e => e.Level >= LogEventLevel.Error && e.Exception is not null)
            .Select(e => e.Exception!));
        var error = candidates.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(error is not null, "Start-up failed without an OptionsValidationException: " + thrown);
        return error;
    }
}
