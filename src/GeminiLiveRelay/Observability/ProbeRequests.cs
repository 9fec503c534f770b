using Serilog.Events;

namespace GeminiLiveRelay.Observability;

/// <summary>Paths of the health and metrics endpoints, and the request-log level that keeps them out of the log.</summary>
internal static class ProbeRequests
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";
    public const string MetricsPath = "/metrics";

    public static bool IsProbe(PathString path) =>
        path == LivenessPath || path == ReadinessPath || path == MetricsPath;

    /// <summary>
    /// For <c>UseSerilogRequestLogging</c>: probes and scrapes arrive every few seconds from every orchestrator and
    /// would drown the log, so they log at Verbose (a 503 from /readyz while draining is an answer, not a fault);
    /// everything else as Serilog's default.
    /// </summary>
    public static LogEventLevel LogLevel(HttpContext context, double elapsedMs, Exception? exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        return exception is not null ? LogEventLevel.Error
            : IsProbe(context.Request.Path) ? LogEventLevel.Verbose
            : context.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error
            : LogEventLevel.Information;
    }
}
