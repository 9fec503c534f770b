using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using GeminiLiveRelay.Tests.Infrastructure;
using GeminiLiveRelay.Tests.Vertex;

namespace GeminiLiveRelay.Tests.EphemeralTokens;

/// <summary>
/// <c>POST /api/token</c> against a mock of Google's auth_tokens REST call: the request Google gets (key header,
/// lifetimes, the operator's setup locked except session resumption), the answer the browser gets, and the guards.
/// </summary>
public sealed class EphemeralTokenTests
{
    private const string AliceKey = "alice-key-0123456789abcdefghij";

    [Fact]
    public async Task Mint_SendsTheOperatorsSetupLockedExceptResumption_AndAnswersTheToken()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var google = await MockAuthTokenApi.StartAsync(ct);
        await using var relay = new RelayApplication(google.BaseUrl, Enabled(new()
        {
            ["Gemini:SystemInstruction"] = "Always answer in English.",
            ["Gemini:Voice"] = "Kore",
            ["Gemini:GoogleSearch"] = "true",
            ["Gemini:Tools:0"] = "calculate",
        }));
        using var http = new HttpClient();
        var before = DateTimeOffset.UtcNow;

        using var response = await http.PostAsync(relay.HttpUri("/api/token"), null, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var answer = (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        var (body, apiKey) = Assert.Single(google.Requests);
        Assert.Equal(RelayApplication.TestApiKey, apiKey);
        Assert.Equal("auth_tokens/mock-1", (string?)answer["token"]);
        Assert.Equal((string?)body["expireTime"], (string?)answer["expireTime"]);
        Assert.Equal((string?)body["newSessionExpireTime"], (string?)answer["newSessionExpireTime"]);
        Assert.Equal("models/gemini-3.8-live", (string?)answer["model"]);
        var url = new Uri((string)answer["url"]!);
        Assert.Equal("ws", url.Scheme);
        Assert.Equal(google.BaseUrl.Authority, url.Authority);
        Assert.Equal("/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained", url.AbsolutePath);

        Assert.Equal(1, (int)body["uses"]!);
        AssertNear(before + TimeSpan.FromMinutes(30), (string)body["expireTime"]!);
        AssertNear(before + TimeSpan.FromMinutes(1), (string)body["newSessionExpireTime"]!);
        var setup = (JsonObject)body["bidiGenerateContentSetup"]!;
        Assert.Equal("models/gemini-3.8-live", (string?)setup["model"]);
        Assert.Equal("AUDIO", (string?)setup["generationConfig"]!["responseModalities"]![0]);
        Assert.Equal("Kore", (string?)setup["generationConfig"]!["speechConfig"]!["voiceConfig"]!["prebuiltVoiceConfig"]!["voiceName"]);
        Assert.Equal("Always answer in English.", (string?)setup["systemInstruction"]!["parts"]![0]!["text"]);
        var tools = setup["tools"]!.AsArray();
        Assert.Contains(tools, t => t!["googleSearch"] is not null);
        Assert.DoesNotContain(tools, t => t!["functionDeclarations"] is not null); // nothing could run them
        Assert.Null(setup["sessionResumption"]);
        var mask = ((string)body["fieldMask"]!).Split(',');
        Assert.Equal(setup.Select(p => p.Key).Order(), mask.Order());
        Assert.Contains("model", mask);
        Assert.Contains("generationConfig", mask);
        Assert.DoesNotContain("sessionResumption", mask);
    }

    [Fact]
    public async Task Settings_UsesAndLifetimes_AreSent()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var google = await MockAuthTokenApi.StartAsync(ct);
        await using var relay = new RelayApplication(google.BaseUrl, Enabled(new()
        {
            ["Relay:EphemeralTokens:Uses"] = "3",
            ["Relay:EphemeralTokens:ExpireAfter"] = "00:10:00",
            ["Relay:EphemeralTokens:NewSessionExpireAfter"] = "00:00:30",
        }));
        using var http = new HttpClient();
        var before = DateTimeOffset.UtcNow;

        using var response = await http.PostAsync(relay.HttpUri("/api/token"), null, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = Assert.Single(google.Requests).Body;
        Assert.Equal(3, (int)body["uses"]!);
        AssertNear(before + TimeSpan.FromMinutes(10), (string)body["expireTime"]!);
        AssertNear(before + TimeSpan.FromSeconds(30), (string)body["newSessionExpireTime"]!);
    }

    [Fact]
    public async Task Disabled_Answers404()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var google = await MockAuthTokenApi.StartAsync(ct);
        await using var relay = new RelayApplication(google.BaseUrl);
        using var http = new HttpClient();

        using var response = await http.PostAsync(relay.HttpUri("/api/token"), null, ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Relay:EphemeralTokens:Enabled", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Empty(google.Requests);
    }

    [Fact]
    public async Task KeysMode_WithoutAKey_Answers401_AndWithOne_Mints()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var google = await MockAuthTokenApi.StartAsync(ct);
        await using var relay = new RelayApplication(google.BaseUrl, Enabled(new()
        {
            ["Relay:Auth:Mode"] = "keys",
            ["Relay:Auth:Keys:0:Name"] = "alice",
            ["Relay:Auth:Keys:0:Key"] = AliceKey,
        }), environment: "Production");
        using var http = new HttpClient();

        using var anonymous = await http.PostAsync(relay.HttpUri("/api/token"), null, ct);
        using var wrong = await PostAsync(http, relay.HttpUri("/api/token"), bearer: "not-a-key-000000000000000000");
        using var alice = await PostAsync(http, relay.HttpUri("/api/token"), bearer: AliceKey);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Sign in", await anonymous.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Single(google.Requests);
        Assert.Contains(relay.Logs.Events, e => e.RenderMessage().Contains("ephemeral token for \"alice\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForeignOrigin_Answers403()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var google = await MockAuthTokenApi.StartAsync(ct);
        await using var relay = new RelayApplication(google.BaseUrl, Enabled([]));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, relay.HttpUri("/api/token"));
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(google.Requests);
    }

    [Fact]
    public async Task GoogleError_Answers502WithASentence_AndNeverTheKey()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var google = await MockAuthTokenApi.StartAsync(ct);
        google.FailWith = HttpStatusCode.BadRequest;
        await using var relay = new RelayApplication(google.BaseUrl, Enabled([]));
        using var http = new HttpClient();

        using var response = await http.PostAsync(relay.HttpUri("/api/token"), null, ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.Contains("Google refused to mint a token (HTTP 400 INVALID_ARGUMENT)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(RelayApplication.TestApiKey, text, StringComparison.Ordinal);
        Assert.Contains(relay.Logs.Events, e => e.RenderMessage().Contains("API key not valid", StringComparison.Ordinal));
        Assert.All(relay.Logs.Events, e => Assert.DoesNotContain(RelayApplication.TestApiKey, e.RenderMessage(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task GoogleUnreachable_Answers502()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var relay = new RelayApplication(new Uri("http://127.0.0.1:9"), Enabled([]));
        using var http = new HttpClient();

        using var response = await http.PostAsync(relay.HttpUri("/api/token"), null, ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Could not reach Google", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverTheRate_Answers429WithItsOwnSentence()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var google = await MockAuthTokenApi.StartAsync(ct);
        await using var relay = new RelayApplication(google.BaseUrl, Enabled(new() { ["Relay:EphemeralTokens:RequestsPerMinute"] = "2" }));
        using var http = new HttpClient();

        var statuses = new List<HttpStatusCode>();
        string last = string.Empty;
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsync(relay.HttpUri("/api/token"), null, ct);
            statuses.Add(response.StatusCode);
            last = await response.Content.ReadAsStringAsync(ct);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Contains("Relay:EphemeralTokens:RequestsPerMinute", last, StringComparison.Ordinal);
        Assert.Equal(2, google.Requests.Count);
    }

    [Fact]
    public async Task Get_Answers405()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var google = await MockAuthTokenApi.StartAsync(ct);
        await using var relay = new RelayApplication(google.BaseUrl, Enabled([]));
        using var http = new HttpClient();

        using var response = await http.GetAsync(relay.HttpUri("/api/token"), ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task OnVertex_FailsToStart()
    {
        await using var relay = new RelayApplication(new Uri("http://127.0.0.1:9"), Enabled(new() { ["Gemini:Platform"] = "vertex" }));

        var failure = Assert.Single(HostStartup.Failure(relay).Failures);

        Assert.Contains("Relay:EphemeralTokens:Enabled", failure, StringComparison.Ordinal);
        Assert.Contains("Vertex AI", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAKey_FailsToStart()
    {
        await using var relay = new RelayApplication(geminiBaseUrl: null, Enabled([]));

        var failure = Assert.Single(HostStartup.Failure(relay).Failures);

        Assert.Contains("Relay:EphemeralTokens:Enabled", failure, StringComparison.Ordinal);
        Assert.Contains("GEMINI_API_KEY", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewSessionWindowLongerThanTheToken_FailsToStart()
    {
        await using var relay = new RelayApplication(new Uri("http://127.0.0.1:9"), Enabled(new()
        {
            ["Relay:EphemeralTokens:ExpireAfter"] = "00:05:00",
            ["Relay:EphemeralTokens:NewSessionExpireAfter"] = "00:10:00",
        }));

        Assert.Contains("Relay:EphemeralTokens:NewSessionExpireAfter", Assert.Single(HostStartup.Failure(relay).Failures), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Enabled(Dictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?> { ["Relay:EphemeralTokens:Enabled"] = "true" };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, Uri uri, string bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return http.SendAsync(request);
    }

    // RFC 3339 in UTC to the second, about when expected (the test's clock and the relay's read moments apart).
    private static void AssertNear(DateTimeOffset expected, string actual)
    {
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", actual);
        var parsed = DateTimeOffset.Parse(actual, CultureInfo.InvariantCulture);
        Assert.InRange(parsed, expected - TimeSpan.FromSeconds(5), expected + TimeSpan.FromSeconds(30));
    }
}
