using GeminiLiveRelay.Access;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Relay;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Browser;

/// <summary>
/// Everything checked before a <c>/live</c> upgrade is accepted, in order, each with its own status and a sentence:
/// draining (503), origin (403), sign-in (401), query (400), capacity and budgets (429), not a WebSocket (400).
/// Nothing upstream is opened for a refused request.
/// </summary>
internal sealed partial class LiveRequestGate(
    OriginPolicy origins,
    SessionAdmission admission,
    IOptions<AuthOptions> auth,
    IOptions<RelayOptions> relay,
    IOptions<GeminiOptions> gemini,
    IHostApplicationLifetime lifetime,
    ILogger<LiveRequestGate> logger)
{
    public sealed record Refusal(int Status, string Message);

    public sealed record Admitted(InputFormat Format, LiveSessionRequest Request, ClientIdentity Client, SessionAdmission.Lease Lease);

    public Refusal? Check(HttpContext context, out Admitted? admitted)
    {
        ArgumentNullException.ThrowIfNull(context);
        admitted = null;
        var client = ClientIdentity.Of(context);
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return new(StatusCodes.Status503ServiceUnavailable, "The relay is shutting down; connect again (another instance will answer).");
        }

        if (!origins.IsAllowed(context.Request))
        {
            Log.OriginRefused(logger, context.Request.Headers.Origin.ToString(), client.Ip);
            return new(StatusCodes.Status403Forbidden, "This page's origin may not use this relay (Relay:AllowedOrigins).");
        }

        if (auth.Value.EffectiveMode != AuthMode.None && !client.Authenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return new(StatusCodes.Status401Unauthorized,
                "Sign in first: send a valid token as 'Authorization: Bearer ...' or as the access_token query parameter.");
        }

        var request = LiveSessionRequest.Default;
        if ((InputFormat.TryParse(context.Request.Query, out var format)
             ?? SessionQuery.Parse(context.Request.Query, gemini.Value, relay.Value, out request)) is { } error)
        {
            return new(StatusCodes.Status400BadRequest, error);
        }

        if (admission.TryAdmit(client.User, client.Ip, out var lease) is { } full)
        {
            Log.SessionRefused(logger, client.User, full);
            return new(StatusCodes.Status429TooManyRequests, full);
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            lease!.Dispose();
            return new(StatusCodes.Status400BadRequest, "/live is a WebSocket endpoint: connect with a WebSocket upgrade (GET, Upgrade: websocket).");
        }

        admitted = new Admitted(format, request, client, lease!);
        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(3101, LogLevel.Warning, "Refused a /live upgrade from origin {Origin} ({RemoteIp}): not in Relay:AllowedOrigins", EventName = "OriginRefused")]
        public static partial void OriginRefused(ILogger logger, string origin, string remoteIp);

        [LoggerMessage(3102, LogLevel.Information, "Refused a session for {User}: {Reason}", EventName = "SessionRefused")]
        public static partial void SessionRefused(ILogger logger, string user, string reason);
    }
}
