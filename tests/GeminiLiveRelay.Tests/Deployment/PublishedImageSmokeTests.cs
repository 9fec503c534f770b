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
        // Google is reached over TLS only, so the mock serves wss too. The relay trusts the mock's certificate as it
        // trusts Google's, through the system's root store (SSL_CERT_FILE), with no validation switched off.
        using var certificate = MockCertificate.Create();
        await using var gemini = await MockGeminiServer.StartAsync(port: 0, transport: null, certificate.Certificate, ct);
        Assert.Equal(Uri.UriSchemeHttps, gemini.BaseUrl.Scheme);

        await using var app = StartRelay(gemini, certificate.PemPath);
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
        Assert.Single(gemini.Connections);

        // The same relay without that trust: a certificate it cannot verify is refused before any HTTP is sent, and
        // the browser is told so. The API key never reaches a server the relay could not authenticate.
        await using var untrusting = StartRelay(gemini, trustFile: null);
        using var untrustingHttp = new HttpClient { BaseAddress = untrusting.BaseUrl };
        await WaitUntilListeningAsync(untrusting, untrustingHttp, ct);
        var error = await OpenFailingSessionAsync(untrusting, ct);
        Assert.Equal("upstream_unavailable", (string?)error["code"]);
        Assert.Single(gemini.Connections);
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

    private PublishedApp StartRelay(MockGeminiServer gemini, string? trustFile)
    {
        var port = PublishedApp.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["GEMINI_API_KEY"] = RelayApplication.TestApiKey,
            ["Gemini__BaseUrl"] = gemini.BaseUrl.ToString(),
            // Production's fail-closed access settings, opened for the page's own origin.
            ["Relay__Auth__Mode"] = "none",
            ["Relay__AllowedOrigins__0"] = $"http://127.0.0.1:{port}",
        };
        if (trustFile is not null)
        {
            environment["SSL_CERT_FILE"] = trustFile;
        }

        return PublishedApp.Start(_folder, port, environment);
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
        var ready = await FirstOutcomeAsync(app, socket, ct);
        Assert.True((string?)ready["type"] == "ready", "Expected ready, got " + ready.ToJsonString());
        Assert.Equal("gemini", (string?)ready["backend"]);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
        return (string?)ready["sessionId"] ?? throw new InvalidOperationException("ready without a sessionId");
    }

    /// <summary>Opens /live and returns the <c>error</c> event that must come instead of <c>ready</c>.</summary>
    private static async Task<JsonObject> OpenFailingSessionAsync(PublishedApp app, CancellationToken ct)
    {
        using var socket = new ClientWebSocket();
        var error = await FirstOutcomeAsync(app, socket, ct);
        Assert.True((string?)error["type"] == "error", "Expected an error event, got " + error.ToJsonString());
        return error;
    }

    /// <summary>Connects <paramref name="socket"/> to /live and returns the first <c>ready</c> or <c>error</c> event.</summary>
    private static async Task<JsonObject> FirstOutcomeAsync(PublishedApp app, ClientWebSocket socket, CancellationToken ct)
    {
        socket.Options.SetRequestHeader("Origin", app.BaseUrl.GetLeftPart(UriPartial.Authority));
        await socket.ConnectAsync(new UriBuilder(app.BaseUrl) { Scheme = "ws", Path = "/live" }.Uri, ct);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            Assert.True(result.MessageType != WebSocketMessageType.Close, $"Closed before ready or error: {socket.CloseStatus} {socket.CloseStatusDescription}");
            if (result.MessageType == WebSocketMessageType.Text
                && JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count)) is JsonObject { } message
                && (string?)message["type"] is "ready" or "error")
            {
                return message;
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
