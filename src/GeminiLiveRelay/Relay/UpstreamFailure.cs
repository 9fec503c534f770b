using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Why an upstream connection failed, classified once: what the browser is told (the protocol's <c>code</c>, a
/// documented <c>category</c> and a human sentence) and whether reconnecting can help.
/// </summary>
/// <remarks>
/// 1007 (invalid argument) and 1008 (policy: unknown model, blocked key) are configuration errors a retry cannot
/// fix; quota closes arrive as 1011 with quota text and are not retried either. 1006 and other 1011s are transient
/// (protocol reference 6.1; inferred from reports, Google publishes no table).
/// </remarks>
internal sealed record UpstreamFailure(string Code, string Category, string Message, bool Retryable, UpstreamClose? Close)
{
    public static UpstreamFailure From(GeminiConnectException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Close is { } close
            ? From(close, duringSetup: true)
            : exception.Code == GeminiConnectException.SetupTimeout
                ? new UpstreamFailure(exception.Code, "timeout", exception.Message, true, null)
                : new UpstreamFailure(exception.Code, "unavailable", exception.Message, true, null);
    }

    public static UpstreamFailure From(UpstreamClose close, bool duringSetup = false)
    {
        ArgumentNullException.ThrowIfNull(close);
        var detail = close.Reason.Length > 0 ? $"{close.Code}: {close.Reason}" : close.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var during = duringSetup ? "during setup" : "the session";
        return close.Code switch
        {
            1007 => new(GeminiConnectException.Closed, "invalid_config",
                $"Gemini rejected the session configuration ({detail}). Check the model, voice and other Gemini settings.", false, close),
            1008 => new(GeminiConnectException.Closed, "policy",
                $"Gemini refused {during} ({detail}): the model may not exist for this API version, or the key may be blocked.", false, close),
            _ when IsQuota(close.Reason) => new(GeminiConnectException.Closed, "quota",
                $"The Gemini quota is exhausted ({detail}). Try again later.", false, close),
            _ => new(GeminiConnectException.Closed, "unavailable", $"Gemini closed {during} ({detail}).", true, close),
        };
    }

    private static bool IsQuota(string reason) =>
        reason.Contains("quota", StringComparison.OrdinalIgnoreCase) ||
        reason.Contains("RESOURCE_EXHAUSTED", StringComparison.OrdinalIgnoreCase) ||
        reason.Contains("Maximum concurrent", StringComparison.OrdinalIgnoreCase);
}
