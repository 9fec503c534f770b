using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>
/// The container image without a Docker engine: publish exactly as the Dockerfile does, start the output exactly as
/// its entry point does (Production, the image's port variable, from the app folder), against the mock Gemini, and
/// check what an orchestrator and a browser would: probes, the page, a live session, and JSON logs.
/// </summary>
[Collection(SmokeGroup.Name)]
public sealed class PublishedImageSmokeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("relay-publish-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task PublishedApp_InProduction_ServesProbesPageAndSessions_AndLogsJsonLines()
    {
        using var timeout = TestTimeout.Create(seconds: 240);
        var ct = timeout.Token;
        await PublishedApp.PublishAsync(_folder, ct);
        AssertShippedRuntimeSettings();
        await using var gemini = await MockGeminiServer.StartAsync(ct);

        await using var app = StartRelay(gemini);
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        await WaitUntilListeningAsync(app, http, ct);

        Assert.Equal("Healthy", await GetAsync(http, "/healthz", ct));
        Assert.Equal("Healthy", await GetAsync(http, "/readyz", ct));
        Assert.Contains("data-testid=\"start\"", await GetAsync(http, "/", ct), StringComparison.Ordinal);

        var sessionId = await OpenSessionAsync(app, ct);
        Assert.Contains("gemini_live_relay_active_sessions", await GetAsync(http, "/metrics", ct), StringComparison.Ordinal);

        // Production logs: every line one compact JSON event; the session's lines carry its id.
        var events = await WaitForLogAsync(app, e => (string?)e["SessionId"] == sessionId, ct);
        Assert.All(events, e => Assert.True(e.ContainsKey("@t") && e.ContainsKey("@m"), "Not a compact JSON event: " + e.ToJsonString()));
        Assert.Contains(events, e => (string?)e["EnvName"] == PublishedImage.Environment);
    }

    /// <summary>The runtime settings the performance figures were measured with are in what the image ships.</summary>
    private void AssertShippedRuntimeSettings()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "GeminiLiveRelay.runtimeconfig.json")))!;
        var properties = config["runtimeOptions"]!["configProperties"]!;
        Assert.False((bool)properties["System.GC.Server"]!);
        Assert.True((bool)properties["System.GC.Concurrent"]!);
        Assert.Equal(0, (int)properties["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]!);
    }

    private PublishedApp StartRelay(MockGeminiServer gemini)
    {
        var port = PublishedApp.FreePort();
        return PublishedApp.Start(_folder, port, new Dictionary<string, string>
        {
            ["GEMINI_API_KEY"] = RelayApplication.TestApiKey,
            ["Gemini__BaseUrl"] = gemini.BaseUrl.ToString(),
            // Production's fail-closed access settings, opened for the page's own origin.
            ["Relay__Auth__Mode"] = "none",
            ["Relay__AllowedOrigins__0"] = $"http://127.0.0.1:{port}",
        });
    }

    private static async Task WaitUntilListeningAsync(PublishedApp app, HttpClient http, CancellationToken ct)
    {
        while (true)
        {
            Assert.False(app.HasExited, "The published relay exited:\n" + string.Join('\n', app.Output) + app.Errors);
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private static async Task<string> GetAsync(HttpClient http, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Opens /live as a page of the relay's own origin would, waits for <c>ready</c>, closes; returns the session id.</summary>
    private static async Task<string> OpenSessionAsync(PublishedApp app, CancellationToken ct)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", app.BaseUrl.GetLeftPart(UriPartial.Authority));
        await socket.ConnectAsync(new UriBuilder(app.BaseUrl) { Scheme = "ws", Path = "/live" }.Uri, ct);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            Assert.True(result.MessageType != WebSocketMessageType.Close, $"Closed before ready: {socket.CloseStatus} {socket.CloseStatusDescription}");
            if (result.MessageType == WebSocketMessageType.Text
                && JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count)) is JsonObject { } message
                && (string?)message["type"] == "ready")
            {
                Assert.Equal("gemini", (string?)message["backend"]);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
                return (string?)message["sessionId"] ?? throw new InvalidOperationException("ready without a sessionId");
            }
        }
    }

    /// <summary>Waits until some line satisfies <paramref name="condition"/>; every line must be a JSON object.</summary>
    private static async Task<IReadOnlyList<JsonObject>> WaitForLogAsync(PublishedApp app, Func<JsonObject, bool> condition, CancellationToken ct)
    {
        while (true)
        {
            var events = app.Output.Where(line => line.Length > 0).Select(Parse).ToList();
            if (events.Any(condition))
            {
                return events;
            }

            await Task.Delay(50, ct);
        }

        static JsonObject Parse(string line)
        {
            try
            {
                return JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException ex)
            {
                throw new Xunit.Sdk.XunitException($"A log line that is not a JSON object ({ex.Message}): {line}");
            }
        }
    }
}
