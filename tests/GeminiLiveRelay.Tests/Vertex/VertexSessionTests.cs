using System.Text.Json.Nodes;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Access;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Vertex;

/// <summary>
/// Sessions on Vertex AI end to end: the real Google.Apis.Auth service-account flow against a mock token endpoint,
/// the bearer token on the upgrade, Vertex's path and model resource name, and tokens refreshed as they age.
/// </summary>
public sealed class VertexSessionTests
{
    [Fact]
    public async Task Session_ConnectsWithBearerTokenOnTheVertexPathAndFullModelName()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var rig = await VertexRig.StartAsync(ct);

        await using var client = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct);
        var ready = await client.WaitForEventAsync("ready", ct);
        await client.CloseAsync(ct);

        Assert.Equal("gemini", (string?)ready["backend"]);
        var connection = Assert.Single(rig.Gemini.Connections);
        await connection.Ended.WaitAsync(ct);
        Assert.True(connection.IsVertex);
        Assert.Equal(VertexRig.ServicePath, connection.Path);
        Assert.Equal("Bearer " + MockOAuthServer.Token(1), connection.AuthorizationHeader);
        Assert.Equal(string.Empty, connection.ApiKeyHeader);
        Assert.Equal(string.Empty, connection.QueryString);
        Assert.Equal(VertexRig.ModelName(), (string?)connection.Setup!["model"]);
        Assert.Equal("AUDIO", (string?)connection.Setup["generationConfig"]!["responseModalities"]![0]);
        Assert.Empty(connection.Violations);
        Assert.Equal(0, rig.Gemini.RefusedUpgrades);
    }

    [Fact]
    public async Task TokenRequest_IsASignedServiceAccountAssertionForCloudPlatform()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var rig = await VertexRig.StartAsync(ct);

        await using var client = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        await client.CloseAsync(ct);

        var jwt = JwtAssertion.Parse(Assert.Single(rig.OAuth.Assertions), rig.Account.Key);
        Assert.True(jwt.SignatureValid);
        Assert.Equal("RS256", (string?)jwt.Header["alg"]);
        Assert.Equal(ServiceAccountFile.ClientEmail, (string?)jwt.Payload["iss"]);
        // Sent to the file's token_uri (the mock recorded it); the audience stays Google's token endpoint, as Google.Apis.Auth signs it.
        Assert.Equal("https://oauth2.googleapis.com/token", (string?)jwt.Payload["aud"]);
        Assert.Contains("https://www.googleapis.com/auth/cloud-platform", ((string?)jwt.Payload["scope"] ?? string.Empty).Split(' '));
    }

    [Fact]
    public async Task VertexSessionId_IsLogged_AndTheAccessTokenIsNot()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var rig = await VertexRig.StartAsync(ct);

        await using (var client = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct))
        {
            await client.WaitForEventAsync("ready", ct);
            await client.CloseAsync(ct);
        }

        var sessionId = Assert.Single(rig.Gemini.Connections).SessionId;
        Assert.NotNull(sessionId);
        var events = rig.Relay.Logs.Events;
        Assert.Contains(events, e => e.RenderMessage().Contains(sessionId, StringComparison.Ordinal));
        Assert.All(events, e =>
        {
            Assert.DoesNotContain(MockOAuthServer.Token(1), e.RenderMessage(), StringComparison.Ordinal);
            Assert.DoesNotContain(MockOAuthServer.Token(1), e.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task LongSession_ReconnectAfterTheTokenAged_UsesARefreshedToken()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        // 2 s tokens are inside Google.Apis.Auth's 60 s "do not use" window from the start: every new connection
        // (here, the switch after a goAway, as Gemini does about every 10 minutes) must fetch a fresh one.
        await using var rig = await VertexRig.StartAsync(ct, new() { ["Relay:GoAwayMargin"] = "00:00:00.200" }, oauth => oauth.ExpiresInSeconds = 2);
        rig.Gemini.Script = async (connection, token) =>
        {
            if (rig.Gemini.Connections[0] == connection)
            {
                await connection.SendAsync(GeminiMessages.ResumptionUpdate("handle-1"), token);
                await connection.SendAsync(GeminiMessages.GoAway("1s"), token);
            }
        };

        await using var client = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct);
        await client.WaitForEventAsync("resumed", ct);
        await client.CloseAsync(ct);

        Assert.Equal(2, rig.Gemini.Connections.Count);
        var (first, second) = (rig.Gemini.Connections[0], rig.Gemini.Connections[1]);
        Assert.Equal("Bearer " + MockOAuthServer.Token(1), first.AuthorizationHeader);
        Assert.Equal("Bearer " + MockOAuthServer.Token(2), second.AuthorizationHeader);
        Assert.Equal("handle-1", (string?)second.Setup!["sessionResumption"]!["handle"]);
        Assert.Equal(VertexRig.ModelName(), (string?)second.Setup["model"]);
        Assert.Equal(0, rig.Gemini.RefusedUpgrades);
        Assert.All(rig.Gemini.Connections, c => Assert.Empty(c.Violations));
    }

    [Fact]
    public async Task AgingToken_IsStillHandedOutWhileOneBackgroundRefreshRuns()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        var refresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // 200 s tokens are usable for 140 s but inside the 225 s refresh window at once: the next request starts a
        // refresh in the background and is answered with the current token. The test holds that refresh open.
        await using var rig = await VertexRig.StartAsync(ct, configureOAuth: oauth =>
        {
            oauth.ExpiresInSeconds = 200;
            oauth.BeforeAnswer = (number, token) => number == 2 ? refresh.Task.WaitAsync(token) : Task.CompletedTask;
        });

        await using var first = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct);
        await first.WaitForEventAsync("ready", ct);
        await using var second = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct);
        await second.WaitForEventAsync("ready", ct);

        // The background refresh is started by the second request but reaches the token endpoint a moment later.
        var started = DateTime.UtcNow.AddSeconds(10);
        while (rig.OAuth.Requests < 2 && DateTime.UtcNow < started)
        {
            await Task.Delay(20, ct);
        }

        Assert.False(refresh.Task.IsCompleted);
        Assert.Equal(2, rig.OAuth.Requests); // the refresh is in flight, and did not hold the second session up
        Assert.Equal("Bearer " + MockOAuthServer.Token(1), rig.Gemini.Connections[1].AuthorizationHeader);

        refresh.SetResult();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        await using var third = await ConnectUntilAsync(rig, "Bearer " + MockOAuthServer.Token(2), deadline, ct);
        Assert.Equal("Bearer " + MockOAuthServer.Token(2), rig.Gemini.Connections[^1].AuthorizationHeader);
        Assert.Equal(0, rig.Gemini.RefusedUpgrades);
    }

    [Fact]
    public async Task ConcurrentSessions_WaitOnOneTokenFetch_NotOneAfterAnother()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var rig = await VertexRig.StartAsync(ct, new() { ["Relay:MaxSessionsPerUser"] = "10" }, oauth =>
            oauth.BeforeAnswer = (_, token) => release.Task.WaitAsync(token));
        var uri = rig.Relay.LiveUri();

        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => LiveClient.ConnectAsync(uri, ct)));
        await AccessTests.WaitForAsync(() => rig.OAuth.Requests >= 1, ct);
        await Task.Delay(300, ct); // time for any further fetch to arrive: every session is now waiting for the token
        Assert.Equal(1, rig.OAuth.Requests);
        Assert.Empty(rig.Gemini.Connections);
        release.SetResult();
        await Task.WhenAll(clients.Select(c => c.WaitForEventAsync("ready", ct)));

        Assert.Equal(1, rig.OAuth.Requests);
        Assert.Equal(4, rig.Gemini.Connections.Count);
        Assert.All(rig.Gemini.Connections, c => Assert.Equal("Bearer " + MockOAuthServer.Token(1), c.AuthorizationHeader));
        foreach (var client in clients)
        {
            await client.CloseAsync(ct);
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task RefusedTokenRequest_EndsTheSessionWithAnUpstreamError()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var rig = await VertexRig.StartAsync(ct, new() { ["Relay:ReconnectAttempts"] = "1" }, oauth => oauth.RejectAll = true);

        await using var client = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct);
        var error = await client.WaitForEventAsync("error", ct);
        await client.Closed.WaitAsync(ct);

        Assert.Equal("upstream_unavailable", (string?)error["code"]);
        // The browser gets a fixed sentence; Google's details (which can name files and accounts) go to the log only.
        Assert.Contains("Could not authenticate to Vertex AI", (string?)error["message"] ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid_grant", (string?)error["message"] ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains(rig.Relay.Logs.Events, e => e.Exception?.ToString().Contains("invalid_grant", StringComparison.Ordinal) == true);
        Assert.Empty(rig.Gemini.Connections); // nothing reached Gemini without a token
    }

    [Fact]
    public async Task TransparentResumption_IsAskedForOnVertex()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var rig = await VertexRig.StartAsync(ct, new() { ["Gemini:TransparentResumption"] = "true" });

        await using var client = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        await client.CloseAsync(ct);

        var resumption = (JsonObject)Assert.Single(rig.Gemini.Connections).Setup!["sessionResumption"]!;
        Assert.True((bool)resumption["transparent"]!);
        Assert.Null(resumption["handle"]);
    }

    [Fact]
    public async Task VertexUsageSpelling_ReachesTheBrowserAsResponseTokens()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var rig = await VertexRig.StartAsync(ct);
        rig.Gemini.Script = (connection, token) => connection.SendAsync("""
            {"serverContent":{"turnComplete":true},"usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":40,
              "totalTokenCount":140,"trafficType":"ON_DEMAND","candidatesTokensDetails":[{"modality":"AUDIO","tokenCount":40}]}}
            """, token);

        await using var client = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct);
        var usage = await client.WaitForEventAsync("usage", ct);
        await client.CloseAsync(ct);

        Assert.Equal(100, (long)usage["promptTokenCount"]!);
        Assert.Equal(40, (long)usage["responseTokenCount"]!);
        Assert.Equal(140, (long)usage["totalTokenCount"]!);
        Assert.Equal(40, (long)usage["responseTokensByModality"]!["AUDIO"]!);
    }

    [Fact]
    public async Task ExpressMode_SendsTheKeyHeaderAndAPublisherModel()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Gemini:Platform"] = "vertex" });

        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        await client.CloseAsync(ct);

        var connection = Assert.Single(mock.Connections);
        Assert.True(connection.IsVertex);
        Assert.Equal(RelayApplication.TestApiKey, connection.ApiKeyHeader);
        Assert.Equal(string.Empty, connection.AuthorizationHeader);
        Assert.Equal("publishers/google/models/gemini-3.8-live", (string?)connection.Setup!["model"]);
        Assert.Empty(connection.Violations);
    }

    // Opens sessions until one is set up with the expected token (the background refresh lands asynchronously).
    private static async Task<LiveClient> ConnectUntilAsync(VertexRig rig, string authorization, DateTime deadline, CancellationToken ct)
    {
        while (true)
        {
            var client = await LiveClient.ConnectAsync(rig.Relay.LiveUri(), ct);
            await client.WaitForEventAsync("ready", ct);
            if (rig.Gemini.Connections[^1].AuthorizationHeader == authorization || DateTime.UtcNow > deadline)
            {
                return client;
            }

            await client.CloseAsync(ct);
            await client.DisposeAsync();
            await Task.Delay(50, ct);
        }
    }
}
