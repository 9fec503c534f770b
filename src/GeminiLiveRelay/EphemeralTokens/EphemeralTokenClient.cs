using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GeminiLiveRelay.Gemini;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.EphemeralTokens;

/// <summary>
/// Mints ephemeral tokens with <c>POST {base}/v1alpha/auth_tokens</c> (the relay's key in <c>x-goog-api-key</c>),
/// locked to the operator's setup so a browser holding the token cannot change model, voice, instruction or tools.
/// </summary>
internal sealed partial class EphemeralTokenClient(
    HttpClient http,
    IOptions<GeminiOptions> gemini,
    IOptions<EphemeralTokenOptions> options,
    Relay.ToolSet tools,
    TimeProvider time,
    ILogger<EphemeralTokenClient> logger)
{
    /// <summary>The SDKs mint and connect with v1alpha only (protocol reference 1.2: v1beta is unconfirmed).</summary>
    public const string ApiVersion = "v1alpha";

    private readonly GeminiOptions _gemini = gemini.Value;
    private readonly EphemeralTokenOptions _options = options.Value;

    /// <exception cref="EphemeralTokenException">Google could not be reached or refused.</exception>
    public async Task<TokenAnswer> MintAsync(string user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // No function tools: they run in the relay, and a browser connected directly has no relay to run them. The
        // session resumption is the browser's own (its handle), so it is neither set nor locked here.
        var setup = GeminiSetupBuilder.Build(_gemini).Setup with { SessionResumption = null };
        var body = new AuthTokenRequest
        {
            Uses = _options.Uses,
            ExpireTime = Rfc3339(now + _options.ExpireAfter),
            NewSessionExpireTime = Rfc3339(now + _options.NewSessionExpireAfter),
            BidiGenerateContentSetup = setup,
            FieldMask = string.Join(',', TopLevelFields(setup)),
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, ServiceUri("/" + ApiVersion + "/auth_tokens", http: true))
        {
            Content = JsonContent.Create(body, EphemeralTokenJsonContext.Default.AuthTokenRequest),
        };
        request.Headers.Add("x-goog-api-key", _gemini.ApiKey);
        var token = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        Log.Minted(logger, user, _options.Uses, token.ExpireTime ?? body.ExpireTime, tools.Declarations.Count);
        return new TokenAnswer(
            token.Name!,
            token.ExpireTime ?? body.ExpireTime,
            token.NewSessionExpireTime ?? body.NewSessionExpireTime,
            setup.Model,
            ServiceUri($"/ws/google.ai.generativelanguage.{ApiVersion}.GenerativeService.BidiGenerateContentConstrained", http: false).AbsoluteUri);
    }

    private async Task<AuthTokenResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            Log.Unreachable(logger, ex.Message);
            throw new EphemeralTokenException("Could not reach Google to mint a token; try again shortly.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EphemeralTokenException("Google did not answer the token request in time; try again shortly.", ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = TryRead(text, EphemeralTokenJsonContext.Default.GoogleErrorBody)?.Error;
                // Google's own words go to the log only (with the key blanked, should it ever be quoted back).
                Log.Refused(logger, (int)response.StatusCode, error?.Status, Redact(error?.Message ?? text[..Math.Min(text.Length, 500)]));
                throw new EphemeralTokenException(
                    $"Google refused to mint a token (HTTP {(int)response.StatusCode}{(error?.Status is { } s ? " " + s : "")}); the relay's log has the details.");
            }

            var token = TryRead(text, EphemeralTokenJsonContext.Default.AuthTokenResponse);
            return token is { Name: { Length: > 0 } name } && name.StartsWith("auth_tokens/", StringComparison.Ordinal)
                ? token
                : throw new EphemeralTokenException("Google's answer held no token.");
        }
    }

    /// <summary>The setup's top-level fields as Google names them: what the token locks.</summary>
    private static IEnumerable<string> TopLevelFields(Setup setup)
    {
        using var json = JsonSerializer.SerializeToDocument(setup, EphemeralTokenJsonContext.Default.Setup);
        return [.. json.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "sessionResumption")];
    }

    private Uri ServiceUri(string path, bool http)
    {
        var baseUrl = _gemini.ResolveBaseUrl();
        var builder = new UriBuilder(baseUrl) { Query = string.Empty, Fragment = string.Empty };
        if (!http)
        {
            builder.Scheme = baseUrl.Scheme == Uri.UriSchemeHttp ? "ws" : "wss";
            builder.Port = baseUrl.IsDefaultPort ? -1 : baseUrl.Port;
        }

        builder.Path = builder.Path.TrimEnd('/') + path;
        return builder.Uri;
    }

    private string Redact(string text) =>
        string.IsNullOrEmpty(_gemini.ApiKey) ? text : text.Replace(_gemini.ApiKey, "[key]", StringComparison.Ordinal);

    private static T? TryRead<T>(string text, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(text, type);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string Rfc3339(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(7001, LogLevel.Information,
            "Minted an ephemeral token for {User}: {Uses} session(s), valid until {ExpireTime}; {ToolsLeftOut} server-side tool(s) left out (a direct browser cannot run them)",
            EventName = "EphemeralTokenMinted")]
        public static partial void Minted(ILogger logger, string user, int uses, string expireTime, int toolsLeftOut);

        [LoggerMessage(7002, LogLevel.Warning, "Google refused to mint an ephemeral token: HTTP {StatusCode} {Status}: {GoogleMessage}", EventName = "EphemeralTokenRefused")]
        public static partial void Refused(ILogger logger, int statusCode, string? status, string googleMessage);

        [LoggerMessage(7003, LogLevel.Warning, "Could not reach Google to mint an ephemeral token: {Reason}", EventName = "EphemeralTokenUnreachable")]
        public static partial void Unreachable(ILogger logger, string reason);
    }
}
