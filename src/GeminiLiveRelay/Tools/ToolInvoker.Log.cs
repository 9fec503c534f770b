namespace GeminiLiveRelay.Tools;

internal sealed partial class ToolInvoker
{
    // Arguments and results may hold personal data: Debug only, never at Information.
    private static partial class Log
    {
        [LoggerMessage(4001, LogLevel.Information, "Function {Name} ({CallId}) finished in {DurationMs:0.0} ms, ok: {Ok}", EventName = "ToolCallCompleted")]
        public static partial void Completed(ILogger logger, string name, string callId, bool ok, double durationMs);

        [LoggerMessage(4002, LogLevel.Warning, "The model called the function {Name} ({CallId}), which is not enabled", EventName = "ToolCallUnknown")]
        public static partial void UnknownFunction(ILogger logger, string name, string callId);

        [LoggerMessage(4003, LogLevel.Warning, "Function {Name} ({CallId}) failed", EventName = "ToolCallFailed")]
        public static partial void Failed(ILogger logger, string name, string callId, Exception exception);

        [LoggerMessage(4004, LogLevel.Debug, "Function {Name} ({CallId}) was cancelled by the caller", EventName = "ToolCallCancelled")]
        public static partial void Cancelled(ILogger logger, string name, string callId);

        [LoggerMessage(4005, LogLevel.Debug, "Function {Name} ({CallId}) called with {Arguments}", EventName = "ToolCallArguments")]
        public static partial void Arguments(ILogger logger, string name, string callId, string arguments);

        [LoggerMessage(4006, LogLevel.Debug, "Function {Name} ({CallId}) answered {Result}", EventName = "ToolCallResult")]
        public static partial void Result(ILogger logger, string name, string callId, string result);
    }
}
