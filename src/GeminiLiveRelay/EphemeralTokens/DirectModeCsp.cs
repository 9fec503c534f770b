using GeminiLiveRelay.Gemini;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.EphemeralTokens;

/// <summary>
/// In direct mode the page opens Gemini's WebSocket itself, so the Content-Security-Policy's <c>connect-src</c> must
/// name that one origin (and only while <c>Relay:EphemeralTokens:Enabled</c>).
/// </summary>
internal static class DirectModeCsp
{
    /// <summary><c>" wss://generativelanguage.googleapis.com"</c> (with a leading space) when direct mode is on, else empty.</summary>
    public static string ConnectSources(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.GetRequiredService<IOptions<EphemeralTokenOptions>>().Value.Enabled)
        {
            return string.Empty;
        }

        var baseUrl = services.GetRequiredService<IOptions<GeminiOptions>>().Value.ResolveBaseUrl();
        return $" {(baseUrl.Scheme == Uri.UriSchemeHttp ? "ws" : "wss")}://{baseUrl.Authority}";
    }
}
