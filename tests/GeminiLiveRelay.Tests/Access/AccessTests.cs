using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GeminiLiveRelay.Tests.Access;

/// <summary>Only allowed pages and users open sessions; refusals happen before any Gemini session exists.</summary>
public sealed class AccessTests
{
    private const string SigningKey = "a-test-signing-key-that-is-long-enough-0123456789";
    private const string AccessKey = "k3y-for-alice-0123456789abcdef";

    [Theory]
    [InlineData("https://evil.example", null, HttpStatusCode.Forbidden)]
    [InlineData("https://app.example", "https://app.example", HttpStatusCode.SwitchingProtocols)]
    [InlineData("https://evil.example", "https://app.example", HttpStatusCode.Forbidden)]
    public async Task Origin_IsCheckedOnTheUpgrade(string origin, string? allowed, HttpStatusCode expected)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        var settings = allowed is null ? new Dictionary<string, string?>() : new() { ["Relay:AllowedOrigins:0"] = allowed };
        await using var relay = new RelayApplication(mock.BaseUrl, settings, environment: "Production");
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);

        try
        {
            await socket.ConnectAsync(relay.LiveUri(), ct);
        }
        catch (WebSocketException)
        {
        }

        Assert.Equal(expected, socket.HttpStatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Empty(mock.Connections);
            Assert.Contains(relay.Logs.Events, e => e.RenderMessage().Contains(origin, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Origin_OwnOriginIsAllowedByDefault()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, environment: "Production");
        var uri = relay.LiveUri();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", $"http://{uri.Authority}");

        await socket.ConnectAsync(uri, ct);

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key-0123456789abcdefgh", HttpStatusCode.Unauthorized)]
    [InlineData(AccessKey, HttpStatusCode.SwitchingProtocols)]
    public async Task KeysMode_RequiresAValidKey_AndNamesTheUser(string? key, HttpStatusCode expected)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new()
        {
            ["Relay:Auth:Mode"] = "keys",
            ["Relay:Auth:Keys:0:Name"] = "alice",
            ["Relay:Auth:Keys:0:Key"] = AccessKey,
            ["Relay:Auth:Keys:1:Name"] = "bob",
            ["Relay:Auth:Keys:1:Key"] = "another-key-for-bob-0123456789",
        }, environment: "Production");

        var (status, client) = await TryConnectAsync(relay.LiveUri(key is null ? string.Empty : "access_token=" + Uri.EscapeDataString(key)), ct);
        await using var _ = client;

        Assert.Equal(expected, status);
        if (client is not null)
        {
            await client.WaitForEventAsync("ready", ct);
            await client.CloseAsync(ct);
            await WaitForAsync(() => relay.Logs.Events.Any(e => e.MessageTemplate.Text.StartsWith("Session ended", StringComparison.Ordinal)), ct);
            var ended = relay.Logs.Events.First(e => e.MessageTemplate.Text.StartsWith("Session ended", StringComparison.Ordinal));
            Assert.Equal("\"alice\"", ended.Properties["User"].ToString());
        }
        else
        {
            Assert.Empty(mock.Connections);
        }
    }

    [Fact]
    public async Task JwtMode_AcceptsAValidTokenInTheQuery_AndRefusesOtherAudiences()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new()
        {
            ["Relay:Auth:Mode"] = "jwt",
            ["Relay:Auth:Jwt:Issuer"] = "https://issuer.example",
            ["Relay:Auth:Jwt:Audience"] = "gemini-live-relay",
            ["Relay:Auth:Jwt:SigningKey"] = SigningKey,
        }, environment: "Production");

        var (good, client) = await TryConnectAsync(relay.LiveUri("access_token=" + Token("user-42", "gemini-live-relay")), ct);
        await using var _ = client;
        await client!.WaitForEventAsync("ready", ct);
        var (otherAudience, _) = await TryConnectAsync(relay.LiveUri("access_token=" + Token("user-42", "someone-else")), ct);
        var (expired, _) = await TryConnectAsync(relay.LiveUri("access_token=" + Token("user-42", "gemini-live-relay", expired: true)), ct);
        using var http = new HttpClient();
        using var header = new HttpRequestMessage(HttpMethod.Get, relay.HttpUri("/live"));
        header.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token("user-42", "gemini-live-relay"));
        using var viaHeader = await http.SendAsync(header, ct); // authenticated, but not a WebSocket: 400, not 401

        Assert.Equal(HttpStatusCode.SwitchingProtocols, good);
        Assert.Equal(HttpStatusCode.Unauthorized, otherAudience);
        Assert.Equal(HttpStatusCode.Unauthorized, expired);
        Assert.Equal(HttpStatusCode.BadRequest, viaHeader.StatusCode);
        Assert.Single(mock.Connections);
    }

    [Fact]
    public async Task Production_WithoutAnAuthMode_FailsToStart()
    {
        await using var relay = new RelayApplication(null, new() { ["Relay:Auth:Mode"] = null, ["Gemini:Backend"] = "echo" }, environment: "Production");

        var error = Record.Exception(() => relay.LiveUri());

        Assert.NotNull(error);
        var text = error.ToString() + string.Join('\n', relay.Logs.Events.Select(e => e.Exception?.ToString()));
        Assert.Contains("Relay:Auth:Mode must be set", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherMethods_Get405WithAMessage_AndPagesCarrySecurityHeaders()
    {
        using var timeout = TestTimeout.Create();
        await using var relay = new RelayApplication(null);
        using var http = new HttpClient();

        using var post = await http.PostAsync(relay.HttpUri("/live"), new StringContent("x"), timeout.Token);
        using var page = await http.GetAsync(relay.HttpUri("/"), timeout.Token);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Contains("GET", post.Content.Headers.Allow);
        Assert.Contains("WebSocket", await post.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
    }

    internal static Task<(HttpStatusCode Status, LiveClient? Client)> TryConnectAsync(Uri uri, CancellationToken ct) =>
        LiveClient.TryConnectAsync(uri, ct);

    internal static async Task WaitForAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            await Task.Delay(20, ct);
        }
    }

    private static string Token(string subject, string audience, bool expired = false)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://issuer.example",
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            NotBefore = expired ? now.AddHours(-2) : now.AddMinutes(-1),
            Expires = expired ? now.AddHours(-1) : now.AddMinutes(10),
            IssuedAt = expired ? now.AddHours(-2) : now,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
