using GeminiLiveRelay.Relay;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Access;

/// <summary>
/// Cross-site WebSocket hijacking defence: a browser always sends <c>Origin</c> on a WebSocket upgrade, and cookies
/// ride along, so a hostile page could otherwise talk to /live as the user. Allowed: the configured origins, or the
/// relay's own origin when none are configured.
/// </summary>
internal sealed class OriginPolicy(IOptions<RelayOptions> options)
{
    private readonly HashSet<string> _allowed = new(
        options.Value.AllowedOrigins.Select(o => o.Trim().TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public bool IsAllowed(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true; // not a browser: nothing to hijack; authentication decides
        }

        if (_allowed.Contains("*") || _allowed.Contains(origin))
        {
            return true;
        }

        return _allowed.Count == 0 &&
               Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
               string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase) &&
               string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase);
    }
}
