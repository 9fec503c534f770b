using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GeminiLiveRelay.Tests.Vertex;

/// <summary>
/// Google's OAuth token endpoint on 127.0.0.1: answers the service-account JWT-bearer grant with access tokens
/// <c>ya29.test-1</c>, <c>ya29.test-2</c>, … (in request order), records every JWT assertion, and can hold a request
/// open so a test can see what callers do while a refresh is in flight.
/// </summary>
public sealed class MockOAuthServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<string> _assertions = [];
    private readonly Dictionary<string, DateTime> _expiries = [];
    private int _requests;

    private MockOAuthServer(WebApplication app) => _app = app;

    /// <summary>The <c>token_uri</c> to put in the service-account file.</summary>
    public Uri TokenUri { get; private set; } = null!;

    /// <summary><c>expires_in</c> of every token. Google.Apis.Auth refreshes from 225 s before expiry and stops using a token 60 s before.</summary>
    public int ExpiresInSeconds { get; set; } = 3600;

    /// <summary>Awaited before answering request number n (1-based): lets a test hold a refresh open.</summary>
    public Func<int, CancellationToken, Task>? BeforeAnswer { get; set; }

    /// <summary>Answer every grant with Google's <c>invalid_grant</c> (a revoked or deleted service-account key).</summary>
    public bool RejectAll { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    public IReadOnlyList<string> Assertions
    {
        get
        {
            lock (_assertions)
            {
                return [.. _assertions];
            }
        }
    }

    public static string Token(int number) => $"ya29.test-{number}";

    /// <summary>True for <c>Bearer &lt;a token this server issued and that has not expired&gt;</c>.</summary>
    public bool IsValid(string authorization)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        lock (_assertions)
        {
            return _expiries.TryGetValue(authorization["Bearer ".Length..], out var expiry) && DateTime.UtcNow < expiry;
        }
    }

    public static async Task<MockOAuthServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new MockOAuthServer(app);
        app.MapPost("/token", server.AnswerAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.TokenUri = new Uri(new Uri(address), "/token");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || string.IsNullOrEmpty(form["assertion"]))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("""{"error":"invalid_grant","error_description":"expected a JWT-bearer grant"}""");
            return;
        }

        var number = Interlocked.Increment(ref _requests);
        lock (_assertions)
        {
            _assertions.Add(form["assertion"].ToString());
        }

        if (RejectAll)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":"invalid_grant","error_description":"Invalid JWT Signature."}""");
            return;
        }

        if (BeforeAnswer is { } hold)
        {
            await hold(number, context.RequestAborted);
        }

        var token = Token(number);
        lock (_assertions)
        {
            _expiries[token] = DateTime.UtcNow.AddSeconds(ExpiresInSeconds);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = ExpiresInSeconds,
            ["token_type"] = "Bearer",
        }.ToJsonString());
    }
}
