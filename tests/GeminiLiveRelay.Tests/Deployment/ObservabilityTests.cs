using System.Net;
using System.Text.Json.Nodes;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Observability;
using GeminiLiveRelay.Relay;
using GeminiLiveRelay.Tests.Infrastructure;
using GeminiLiveRelay.Tests.Tools;
using GeminiLiveRelay.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>The relay's metrics, readiness and Observability settings, below the HTTP endpoints.</summary>
public sealed class ObservabilityTests : IDisposable
{
    private readonly MetricRecorder _recorder = new();
    private readonly StoppingLifetime _lifetime = new();

    private RelayMetrics Metrics => _recorder.Metrics;

    public void Dispose()
    {
        _recorder.Dispose();
        _lifetime.Dispose();
    }

    [Fact]
    public void Sessions_AreCountedWhileOpen_AndByHowTheyEnded()
    {
        Metrics.SessionStarted();
        Metrics.SessionStarted();
        Assert.Equal(2, _recorder.Of("gemini_live_relay.active_sessions")[^1].Value);

        Metrics.SessionEnded(RelayEnd.BrowserClosed, TimeSpan.FromSeconds(12));

        Assert.Equal(1, Metrics.ActiveSessions);
        Assert.Equal(1, _recorder.Of("gemini_live_relay.active_sessions")[^1].Value);
        Assert.Equal(2, _recorder.Of("gemini_live_relay.sessions.started").Count);
        Assert.Equal("browser_closed", Assert.Single(_recorder.Of("gemini_live_relay.sessions.ended")).Tags["end"]);
        Assert.Equal(12, Assert.Single(_recorder.Of("gemini_live_relay.session.duration")).Value);
    }

    [Fact]
    public void EveryRelayEnd_HasItsOwnSnakeCaseTag()
    {
        var tags = Enum.GetValues<RelayEnd>().Select(MetricTags.End).ToList();

        Assert.Equal(tags.Count, tags.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tags, t => Assert.Matches("^[a-z]+(_[a-z]+)*$", t));
        Assert.Equal("upstream_unavailable", MetricTags.End(RelayEnd.UpstreamUnavailable));
    }

    [Fact]
    public void Audio_IsCountedInSecondsEachWay()
    {
        Metrics.AudioToGemini(32_000); // 1 s of 16 kHz PCM16
        Metrics.AudioToBrowser(24_000); // 0.5 s of 24 kHz PCM16

        var audio = _recorder.Of("gemini_live_relay.audio");
        Assert.Equal(1.0, Assert.Single(audio, m => (string?)m.Tags["direction"] == "input").Value, 6);
        Assert.Equal(0.5, Assert.Single(audio, m => (string?)m.Tags["direction"] == "output").Value, 6);
    }

    [Fact]
    public void Tokens_AreCountedByDirectionAndModality_WithPeerValuesBounded()
    {
        Metrics.TokensUsed(new Usage(120, 40, 160, 0, 0, 0,
            new Dictionary<string, long> { ["AUDIO"] = 100, ["SOMETHING_NEW"] = 5 },
            new Dictionary<string, long>()));

        var tokens = _recorder.Of("gemini_live_relay.tokens");
        Assert.Contains(tokens, m => m.Value == 100 && (string?)m.Tags["direction"] == "input" && (string?)m.Tags["modality"] == "audio");
        Assert.Equal(20, tokens.Where(m => (string?)m.Tags["direction"] == "input" && (string?)m.Tags["modality"] == "other").Sum(m => m.Value));
        Assert.Contains(tokens, m => m.Value == 40 && (string?)m.Tags["direction"] == "output" && (string?)m.Tags["modality"] == "other");
    }

    [Fact]
    public void Reconnects_Drops_AndSetup_CarryBoundedTags()
    {
        Metrics.UpstreamReconnect("goAway");
        Metrics.UpstreamReconnect("a reason a peer made up");
        Metrics.FrameDropped(DroppedFrame.ImageRateLimit);
        Metrics.SetupCompleted(TimeSpan.FromMilliseconds(250), resumed: true);
        Metrics.Interrupted();

        Assert.Equal(["go_away", "other"], _recorder.Of("gemini_live_relay.upstream.reconnects").Select(m => (string?)m.Tags["reason"]));
        Assert.Equal("image_rate_limit", Assert.Single(_recorder.Of("gemini_live_relay.frames.dropped")).Tags["kind"]);
        var setup = Assert.Single(_recorder.Of("gemini_live_relay.setup.duration"));
        Assert.Equal(250, setup.Value);
        Assert.Equal(true, setup.Tags["resumed"]);
        Assert.Single(_recorder.Of("gemini_live_relay.interruptions"));
    }

    [Fact]
    public async Task ToolOutcomes_FollowWhatTheInvokerReturns()
    {
        var invoker = new ToolInvoker(new ListLogger<ToolInvoker>(), TimeProvider.System);
        var args = JsonText.Parse("{}");
        var ok = await invoker.InvokeAsync(new DelegateTool("ok"), "1", "ok", args, TimeSpan.FromSeconds(5), null, CancellationToken.None);
        var failed = await invoker.InvokeAsync(new DelegateTool("bad", (_, _) => throw new InvalidOperationException()), "2", "bad", args, TimeSpan.FromSeconds(5), null, CancellationToken.None);
        var slow = await invoker.InvokeAsync(new DelegateTool("slow", async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }), "3", "slow", args, TimeSpan.FromMilliseconds(50), null, CancellationToken.None);

        foreach (var (response, cancelled) in new[] { (ok, false), (failed, false), (slow, false), (ok, true) })
        {
            Metrics.ToolCallFinished(response, cancelled);
        }

        Assert.Equal(["ok", "error", "timeout", "cancelled"], _recorder.Of("gemini_live_relay.tool_calls").Select(m => (string?)m.Tags["outcome"]));
    }

    [Fact]
    public void FirstAudio_IsMeasuredOncePerTurn_AndNotReArmedByBargeInTranscripts()
    {
        var turns = new TurnLatency(Metrics);

        turns.UserHeard();
        turns.UserTurnEnded();
        turns.ModelAudio();
        turns.ModelAudio();
        turns.UserHeard(); // the user talks over the model: not the end of a turn yet
        turns.ModelAudio();
        turns.ModelTurnEnded();
        turns.UserHeard();
        turns.ModelAudio();

        Assert.Equal(2, _recorder.Of("gemini_live_relay.first_audio.latency").Count);
    }

    [Fact]
    public async Task Readiness_IsHealthy_ThenUnhealthyAtTheCap_OnBadConfiguration_AndWhileDraining()
    {
        int? cap = 2;
        var broken = false;
        var log = new ListLogger<ReadinessHealthCheck>();
        var check = new ReadinessHealthCheck(_lifetime, Metrics,
            [() => broken ? throw new OptionsValidationException("Relay", typeof(RelayOptions), ["Relay:X is wrong."]) : new object()],
            () => cap,
            log);

        Metrics.SessionStarted();
        Assert.Equal(HealthStatus.Healthy, (await Check(check)).Status);
        Metrics.SessionStarted();
        Assert.Contains("At capacity", (await Check(check)).Description, StringComparison.Ordinal);
        cap = null;
        Assert.Equal(HealthStatus.Healthy, (await Check(check)).Status);
        broken = true;
        Assert.Contains("Relay:X is wrong.", (await Check(check)).Description, StringComparison.Ordinal);
        broken = false;
        _lifetime.StopApplication();
        var draining = await Check(check);
        Assert.Equal(HealthStatus.Unhealthy, draining.Status);
        Assert.Contains("Draining", draining.Description, StringComparison.Ordinal);
        await Check(check);

        // Each change once, not every probe: at capacity, ready, invalid, draining.
        Assert.Equal(4, log.Entries.Count);
        Assert.Equal(LogLevel.Error, log.Entries[2].Level);
    }

    [Theory]
    [InlineData("Observability:Metrics:Enabled", "false", "Observability:Prometheus:Enabled")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317", "OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("Observability:Prometheus:Port", "70000", "Observability:Prometheus:Port")]
    public async Task InvalidSetting_StopsStartUp_NamingTheKey(string key, string value, string named)
    {
        await using var relay = new RelayApplication(geminiBaseUrl: null, new() { [key] = value });

        var thrown = Assert.ThrowsAny<Exception>(() => relay.HttpUri("/"));

        // The host reports the failure in its log; what reaches the caller may be a later ObjectDisposedException.
        var failures = relay.Logs.Events.Select(e => e.Exception).OfType<OptionsValidationException>()
            .SelectMany(e => e.Failures).ToList();
        Assert.True(failures.Any(f => f.Contains(named, StringComparison.Ordinal)), $"No failure naming {named}: {string.Join(" | ", failures)} ({thrown.Message})");
    }

    [Fact]
    public async Task MetricsOff_RemovesTheScrapeEndpoint_ButNotTheProbes()
    {
        using var timeout = TestTimeout.Create();
        await using var relay = new RelayApplication(geminiBaseUrl: null, new()
        {
            ["Observability:Metrics:Enabled"] = "false",
            ["Observability:Prometheus:Enabled"] = "false",
        });
        using var client = new HttpClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(relay.HttpUri("/metrics"), timeout.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(relay.HttpUri("/readyz"), timeout.Token)).StatusCode);
    }

    [Fact]
    public async Task Scrape_ListsTheRelaysGauge_AndProbesStayOutOfTheRequestLog()
    {
        using var timeout = TestTimeout.Create();
        await using var relay = new RelayApplication(geminiBaseUrl: null, new() { ["Serilog:MinimumLevel:Default"] = "Information" });
        using var client = new HttpClient();

        await client.GetStringAsync(relay.HttpUri("/healthz"), timeout.Token);
        var metrics = relay.Services.GetRequiredService<RelayMetrics>();
        metrics.SessionStarted();
        metrics.SessionEnded(RelayEnd.BrowserClosed, TimeSpan.FromSeconds(3));
        metrics.UpstreamReconnect("goAway");
        metrics.SetupCompleted(TimeSpan.FromMilliseconds(300), resumed: false);
        metrics.FirstAudio(TimeSpan.FromMilliseconds(600));
        metrics.Interrupted();
        metrics.AudioToGemini(3200);
        metrics.FrameDropped(DroppedFrame.BadMessage);
        metrics.ToolCallFinished(new ToolResponse("1", "f", null, null, null), cancelled: false);
        metrics.TokensUsed(new Usage(1, 1, 2, 0, 0, 0, new Dictionary<string, long>(), new Dictionary<string, long>()));
        var scrape = await client.GetStringAsync(relay.HttpUri("/metrics"), timeout.Token);
        await client.GetStringAsync(relay.HttpUri("/"), timeout.Token);

        // The names the README, dashboards and the HPA's custom metric use.
        Assert.Contains("# TYPE gemini_live_relay_active_sessions gauge", scrape, StringComparison.Ordinal);
        foreach (var name in new[]
        {
            "gemini_live_relay_sessions_started_total", "gemini_live_relay_sessions_ended_total{", "gemini_live_relay_session_duration_seconds_bucket",
            "gemini_live_relay_upstream_reconnects_total{", "gemini_live_relay_setup_duration_milliseconds_bucket",
            "gemini_live_relay_first_audio_latency_milliseconds_bucket", "gemini_live_relay_interruptions_total",
            "gemini_live_relay_audio_seconds_total{", "gemini_live_relay_frames_dropped_total{", "gemini_live_relay_tool_calls_total{",
            "gemini_live_relay_tokens_total{",
        })
        {
            Assert.Contains(name, scrape, StringComparison.Ordinal);
        }
        // The request log line is written once the response is complete: wait for the page's.
        List<string> requests;
        while ((requests = [.. relay.Logs.Events.Where(e => e.Properties.ContainsKey("RequestPath")).Select(e => e.Properties["RequestPath"].ToString())]).Count == 0)
        {
            await Task.Delay(20, timeout.Token);
        }

        Assert.DoesNotContain("\"/healthz\"", requests);
        Assert.DoesNotContain("\"/metrics\"", requests);
    }

    [Fact]
    public async Task Scrape_KeepsAspNetCoresMeters_ButNotTheMemoryPoolsPerBufferCounters()
    {
        using var timeout = TestTimeout.Create();
        await using var relay = new RelayApplication(geminiBaseUrl: null);
        using var client = new HttpClient();

        // Requests through Kestrel rent and return its pool's blocks, which is what the memory-pool meter counts.
        for (var i = 0; i < 3; i++)
        {
            await client.GetStringAsync(relay.HttpUri("/"), timeout.Token);
        }

        var scrape = await client.GetStringAsync(relay.HttpUri("/metrics"), timeout.Token);

        Assert.Contains("kestrel_active_connections", scrape, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket", scrape, StringComparison.Ordinal);
        // Counted on every buffer rented and returned, i.e. per WebSocket frame: ~1.3 % of the relay's CPU at 500
        // sessions (docs/performance.md, change 14).
        Assert.DoesNotContain("aspnetcore_memory_pool", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryObservabilitySetting_IsInAppsettingsAndEnvExample()
    {
        var env = File.ReadAllText(RepositoryRoot.File(".env.example"));
        var appsettings = new ConfigurationBuilder().AddJsonFile(RepositoryRoot.File("appsettings.json")).Build();
        var keys = typeof(ObservabilityOptions).GetProperties()
            .SelectMany(group => group.PropertyType.GetProperties().Select(p => $"{ObservabilityOptions.SectionName}:{group.Name}:{p.Name}"))
            .ToList();

        Assert.Equal(4, keys.Count);
        foreach (var key in keys)
        {
            Assert.Contains(key.Replace(":", "__", StringComparison.Ordinal) + "=", env, StringComparison.Ordinal);
            Assert.True(appsettings.GetSection(key).Exists() || appsettings.AsEnumerable().Any(kv => kv.Key == key), key + " is not in appsettings.json");
        }

        Assert.Contains(ObservabilityOptions.OtlpEndpointKey + "=", env, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_FORWARDEDHEADERS_ENABLED=", env, StringComparison.Ordinal);
    }

    private static Task<HealthCheckResult> Check(ReadinessHealthCheck check) =>
        check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("ready", check, null, null) });
}
