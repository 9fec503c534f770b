using System.Net.WebSockets;

namespace GeminiLiveRelay.Relay;

internal sealed partial class RelaySession
{
    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Information, "Session ready on {Backend} ({Model})", EventName = "SessionReady")]
        public static partial void SessionReady(ILogger logger, string backend, string model);

        [LoggerMessage(2002, LogLevel.Warning, "Could not open the live session ({Code}): {Detail}", EventName = "UpstreamConnectFailed")]
        public static partial void UpstreamConnectFailed(ILogger logger, string code, string detail);

        [LoggerMessage(2003, LogLevel.Information, "Gemini closed the session: {CloseCode} {CloseReason}", EventName = "UpstreamClosed")]
        public static partial void UpstreamClosed(ILogger logger, int closeCode, string closeReason);

        [LoggerMessage(2004, LogLevel.Debug, "Sending to Gemini failed: {Error}", EventName = "UpstreamSendFailed")]
        public static partial void UpstreamSendFailed(ILogger logger, string error);

        [LoggerMessage(2005, LogLevel.Debug, "Browser disconnected without a close frame ({ErrorCode})", EventName = "BrowserDisconnected")]
        public static partial void BrowserDisconnected(ILogger logger, WebSocketError errorCode);

        [LoggerMessage(2006, LogLevel.Debug, "Sending to the browser failed: {Error}", EventName = "BrowserSendFailed")]
        public static partial void BrowserSendFailed(ILogger logger, string error);

        [LoggerMessage(2007, LogLevel.Debug, "Closing the browser socket failed: {Error}", EventName = "BrowserCloseFailed")]
        public static partial void BrowserCloseFailed(ILogger logger, string error);

        [LoggerMessage(2010, LogLevel.Warning, "Gemini connection failed ({Category}); reconnect attempt {Attempt} in {DelayMs:0} ms", EventName = "Reconnecting")]
        public static partial void Reconnecting(ILogger logger, string category, int attempt, double delayMs);

        [LoggerMessage(2011, LogLevel.Information, "Conversation resumed on a new Gemini connection (context restored: {Restored}, after {Attempts} attempt(s))", EventName = "Resumed")]
        public static partial void Resumed(ILogger logger, bool restored, int attempts);

        [LoggerMessage(2012, LogLevel.Information, "Switching Gemini connections after goAway (have a handle: {HasHandle})", EventName = "SwitchingConnection")]
        public static partial void SwitchingConnection(ILogger logger, bool hasHandle);

        [LoggerMessage(2009, LogLevel.Warning, "Gemini called '{Name}' but no tools are enabled; answered with an error", EventName = "UnexpectedToolCall")]
        public static partial void UnexpectedToolCall(ILogger logger, string name);

        [LoggerMessage(2008, LogLevel.Warning, "The browser queue is full; an event of {Length} bytes was not delivered", EventName = "BrowserEventDropped")]
        public static partial void EventDropped(ILogger logger, int length);
    }
}
