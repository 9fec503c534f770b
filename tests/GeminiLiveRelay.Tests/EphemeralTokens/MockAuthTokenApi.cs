using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GeminiLiveRelay.Tests.EphemeralTokens;

/// <summary>
/// Google's <c>POST /v1alpha/auth_tokens</c> on 127.0.0.1 (protocol reference section 7): records each request's
/// body and <c>x-goog-api-key</c>, and answers an <c>AuthToken</c> echoing the times, or a scripted Google error.
/// </summary>
public sealed class MockAuthTokenApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(JsonObject Body, string ApiKey)> _requests = [];

    private MockAuthTokenApi(WebApplication app) => _app = app;

    /// <summary>The HTTP base URL to configure as <c>Gemini:BaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>When set, every request is answered with this status and Google's error shape.</summary>
    public HttpStatusCode? FailWith { get; set; }

    public IReadOnlyList<(JsonObject Body, string ApiKey)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<MockAuthTokenApi> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var api = new MockAuthTokenApi(app);
        app.MapPost("/v1alpha/auth_tokens", api.AnswerAsync);
        await app.StartAsync(cancellationToken);
        api.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!;
        var key = context.Request.Headers["x-goog-api-key"].ToString();
        int number;
        lock (_requests)
        {
            _requests.Add((body, key));
            number = _requests.Count;
        }

        context.Response.ContentType = "application/json";
        if (FailWith is { } status)
        {
            context.Response.StatusCode = (int)status;
            // Google quotes nothing secret back, but a relay must not echo its answer to browsers anyway.
            await context.Response.WriteAsync(new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = (int)status, ["message"] = $"API key not valid: {key}", ["status"] = "INVALID_ARGUMENT" },
            }.ToJsonString());
            return;
        }

        await context.Response.WriteAsync(new JsonObject
        {
            ["name"] = $"auth_tokens/mock-{number}",
            ["uses"] = body["uses"]?.DeepClone(),
            ["expireTime"] = body["expireTime"]?.DeepClone(),
            ["newSessionExpireTime"] = body["newSessionExpireTime"]?.DeepClone(),
            ["bidiGenerateContentSetup"] = body["bidiGenerateContentSetup"]?.DeepClone(),
            ["fieldMask"] = body["fieldMask"]?.DeepClone(),
        }.ToJsonString());
    }
}
