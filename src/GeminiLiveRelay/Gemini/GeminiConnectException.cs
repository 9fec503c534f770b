namespace GeminiLiveRelay.Gemini;

/// <summary>A live session could not be opened. <see cref="Code"/> is the browser-facing error code.</summary>
internal sealed class GeminiConnectException(string code, string message, UpstreamClose? close = null, Exception? inner = null)
    : Exception(message, inner)
{
    public const string Unavailable = "upstream_unavailable";
    public const string SetupTimeout = "setup_timeout";
    public const string Closed = "upstream_closed";

    public string Code { get; } = code;

    /// <summary>Gemini's close code and reason when it closed the socket during setup.</summary>
    public UpstreamClose? Close { get; } = close;
}
