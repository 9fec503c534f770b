using System.Text.Json.Serialization;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.EphemeralTokens;

// Wire shapes of Google's auth_tokens REST call (protocol reference section 7) and of the relay's own answer.

/// <summary>The body of <c>POST /v1alpha/auth_tokens</c>.</summary>
internal sealed record AuthTokenRequest
{
    public required int Uses { get; init; }

    /// <summary>RFC 3339; sessions using the token end after it.</summary>
    public required string ExpireTime { get; init; }

    /// <summary>RFC 3339; no new session after it.</summary>
    public required string NewSessionExpireTime { get; init; }

    /// <summary>Exactly the shape of <c>setup</c>; the fields named in <see cref="FieldMask"/> are locked to it.</summary>
    public required Setup BidiGenerateContentSetup { get; init; }

    /// <summary>Comma-separated field paths the browser's own <c>setup</c> cannot change.</summary>
    public required string FieldMask { get; init; }
}

/// <summary>Google's <c>AuthToken</c>: <c>name</c> is the token (<c>auth_tokens/…</c>); the rest echoes the request.</summary>
internal sealed record AuthTokenResponse
{
    public string? Name { get; init; }

    public string? ExpireTime { get; init; }

    public string? NewSessionExpireTime { get; init; }
}

/// <summary>Google's error body: <c>{"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT"}}</c>.</summary>
internal sealed record GoogleErrorBody(GoogleError? Error);

internal sealed record GoogleError(int Code, string? Message, string? Status);

/// <summary>What <c>POST /api/token</c> answers the browser.</summary>
/// <param name="Token">The token, used as <c>access_token</c> on <paramref name="Url"/>.</param>
/// <param name="Model">The model the token is locked to (the browser's <c>setup.model</c>).</param>
/// <param name="Url">The WebSocket URL of Gemini's constrained endpoint, without the token.</param>
internal sealed record TokenAnswer(string Token, string ExpireTime, string NewSessionExpireTime, string Model, string Url);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuthTokenRequest))]
[JsonSerializable(typeof(Setup))]
[JsonSerializable(typeof(AuthTokenResponse))]
[JsonSerializable(typeof(GoogleErrorBody))]
[JsonSerializable(typeof(TokenAnswer))]
internal sealed partial class EphemeralTokenJsonContext : JsonSerializerContext;
