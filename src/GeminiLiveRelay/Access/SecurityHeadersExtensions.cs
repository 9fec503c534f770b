using GeminiLiveRelay.EphemeralTokens;

namespace GeminiLiveRelay.Access;

internal static class SecurityHeadersExtensions
{
    /// <summary>
    /// A strict Content-Security-Policy for the bundled page (same origin only, no inline script, WebSockets to this
    /// host), no MIME sniffing, no referrer, and only this origin may use the microphone and camera.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            var host = context.Request.Host.Value;
            // Direct mode (Relay:EphemeralTokens:Enabled): the page opens Gemini's WebSocket itself.
            var direct = DirectModeCsp.ConnectSources(context.RequestServices);
            headers.ContentSecurityPolicy =
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
                $"connect-src 'self' ws://{host} wss://{host}{direct}; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
                "form-action 'self'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "microphone=(self), camera=(self), display-capture=(self), geolocation=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(context);
        });
}
