using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Observability;

/// <summary>
/// <c>/readyz</c>: may this instance take new sessions? Not when its configuration no longer resolves (a reloaded
/// file broke it), not while it drains for shutdown (the load balancer must stop sending before sockets are closed),
/// and not at the session cap. Cheap and local: it never calls Gemini, so a Gemini outage cannot empty the pool.
/// Each change of answer is logged once, here: the health-check service would log every failing probe as an error
/// (it is silenced in appsettings.json), and draining or a full instance is not one.
/// </summary>
/// <param name="options">Resolve each validated options object; a throw means the configuration is invalid.</param>
/// <param name="maxSessions">The session cap, read at each probe; null or ≤ 0 means none.</param>
internal sealed partial class ReadinessHealthCheck(
    IHostApplicationLifetime lifetime,
    RelayMetrics metrics,
    IReadOnlyList<Func<object>> options,
    Func<int?> maxSessions,
    ILogger<ReadinessHealthCheck> logger) : IHealthCheck
{
    private int _state = (int)Readiness.Ready;

    private enum Readiness
    {
        Ready,
        Draining,
        InvalidConfiguration,
        AtCapacity,
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (state, result) = Check();
        if (Interlocked.Exchange(ref _state, (int)state) != (int)state)
        {
            LogChange(state, result.Description);
        }

        return Task.FromResult(result);
    }

    private (Readiness, HealthCheckResult) Check()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return (Readiness.Draining, HealthCheckResult.Unhealthy("Draining: the host is shutting down."));
        }

        int? cap;
        try
        {
            foreach (var resolve in options)
            {
                _ = resolve();
            }

            cap = maxSessions();
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            return (Readiness.InvalidConfiguration, HealthCheckResult.Unhealthy("The configuration is invalid: " + ex.Message));
        }

        var active = metrics.ActiveSessions;
        return cap is > 0 && active >= cap
            ? (Readiness.AtCapacity, HealthCheckResult.Unhealthy($"At capacity: {active} of Relay:MaxSessions={cap} sessions."))
            : (Readiness.Ready, HealthCheckResult.Healthy($"{active} sessions."));
    }

    private void LogChange(Readiness state, string? description)
    {
        switch (state)
        {
            case Readiness.Ready:
                Log.Ready(logger, description);
                break;
            case Readiness.InvalidConfiguration:
                Log.InvalidConfiguration(logger, description);
                break;
            default:
                Log.NotReady(logger, description);
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(6001, LogLevel.Information, "Ready for new sessions ({Detail})", EventName = "Ready")]
        public static partial void Ready(ILogger logger, string? detail);

        [LoggerMessage(6002, LogLevel.Information, "Not ready for new sessions: {Detail}", EventName = "NotReady")]
        public static partial void NotReady(ILogger logger, string? detail);

        [LoggerMessage(6003, LogLevel.Error, "Not ready for new sessions: {Detail}", EventName = "NotReadyInvalidConfiguration")]
        public static partial void InvalidConfiguration(ILogger logger, string? detail);
    }
}
