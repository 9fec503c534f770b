using GeminiLiveRelay.Access;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.EphemeralTokens;

/// <summary>
/// <c>POST /api/token</c>: a short-lived Gemini token for a browser that talks to Gemini directly ("direct mode").
/// Guarded like <c>/live</c>: the same origin check and sign-in, plus its own rate limit.
/// </summary>
internal static class EphemeralTokenEndpoint
{
    public const string Path = "/api/token";

    public static IEndpointConventionBuilder MapEphemeralTokens(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Path, HandleAsync).RequireRateLimiting(EphemeralTokenRatePolicy.Name);

    private static async Task HandleAsync(
        HttpContext context,
        IOptions<EphemeralTokenOptions> options,
        IOptions<AuthOptions> auth,
        OriginPolicy origins,
        EphemeralTokenClient tokens,
        IHostApplicationLifetime lifetime)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store"; // a token must never sit in a cache
        var client = ClientIdentity.Of(context);
        if (Check(context, client, options.Value, auth.Value, origins, lifetime) is { } refusal)
        {
            if (refusal.Status == StatusCodes.Status401Unauthorized)
            {
                response.Headers.WWWAuthenticate = "Bearer";
            }

            response.StatusCode = refusal.Status;
            await response.WriteAsync(refusal.Message, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        TokenAnswer answer;
        try
        {
            answer = await tokens.MintAsync(client.User, context.RequestAborted).ConfigureAwait(false);
        }
        catch (EphemeralTokenException ex)
        {
            response.StatusCode = StatusCodes.Status502BadGateway;
            await response.WriteAsync(ex.Message, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await response.WriteAsJsonAsync(answer, EphemeralTokenJsonContext.Default.TokenAnswer, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    }

    private static (int Status, string Message)? Check(
        HttpContext context, ClientIdentity client, EphemeralTokenOptions options, AuthOptions auth, OriginPolicy origins, IHostApplicationLifetime lifetime)
    {
        if (!options.Enabled)
        {
            return (StatusCodes.Status404NotFound, "Ephemeral tokens are off on this relay (Relay:EphemeralTokens:Enabled).");
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return (StatusCodes.Status503ServiceUnavailable, "The relay is shutting down; ask again.");
        }

        if (!origins.IsAllowed(context.Request))
        {
            return (StatusCodes.Status403Forbidden, "This page's origin may not use this relay (Relay:AllowedOrigins).");
        }

        return auth.EffectiveMode != AuthMode.None && !client.Authenticated
            ? (StatusCodes.Status401Unauthorized, "Sign in first: send a valid token as 'Authorization: Bearer ...' or as the access_token query parameter.")
            : null;
    }
}
