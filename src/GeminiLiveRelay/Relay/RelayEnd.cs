using System.Net.WebSockets;

namespace GeminiLiveRelay.Relay;

/// <summary>Why a session ended; mapped once to the browser close status and the log level.</summary>
internal enum RelayEnd
{
    BrowserClosed,
    BrowserDisconnected,
    MessageTooBig,
    UpstreamClosed,
    UpstreamUnavailable,
    SetupTimeout,
    ShuttingDown,
    Failed,
    DurationLimit,
    IdleTimeout,
    AudioTooFast,
    BrowserTooSlow,
}

internal static class RelayEndExtensions
{
    public static (WebSocketCloseStatus Status, string Reason) ToClose(this RelayEnd end) => end switch
    {
        RelayEnd.BrowserClosed or RelayEnd.BrowserDisconnected => (WebSocketCloseStatus.NormalClosure, "bye"),
        RelayEnd.MessageTooBig => (WebSocketCloseStatus.MessageTooBig, "message too big"),
        RelayEnd.UpstreamClosed => (WebSocketCloseStatus.InternalServerError, "gemini closed the session"),
        RelayEnd.UpstreamUnavailable => (WebSocketCloseStatus.InternalServerError, "gemini unavailable"),
        RelayEnd.SetupTimeout => (WebSocketCloseStatus.InternalServerError, "gemini setup timed out"),
        RelayEnd.ShuttingDown => (WebSocketCloseStatus.EndpointUnavailable, "server shutting down"),
        RelayEnd.DurationLimit => (WebSocketCloseStatus.NormalClosure, "session time limit reached"),
        RelayEnd.IdleTimeout => (WebSocketCloseStatus.NormalClosure, "idle timeout"),
        RelayEnd.AudioTooFast => (WebSocketCloseStatus.PolicyViolation, "audio faster than real time"),
        RelayEnd.BrowserTooSlow => (WebSocketCloseStatus.PolicyViolation, "client not reading fast enough"),
        _ => (WebSocketCloseStatus.InternalServerError, "relay error"),
    };

    public static LogLevel ToLogLevel(this RelayEnd end) => end switch
    {
        RelayEnd.BrowserClosed or RelayEnd.BrowserDisconnected or RelayEnd.ShuttingDown => LogLevel.Information,
        RelayEnd.MessageTooBig or RelayEnd.DurationLimit or RelayEnd.IdleTimeout => LogLevel.Information,
        RelayEnd.Failed => LogLevel.Error,
        _ => LogLevel.Warning,
    };
}
