using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace GeminiLiveRelay.Observability;

internal static class ObservabilityEndpoints
{
    /// <summary>
    /// <c>/healthz</c> (liveness: the process answers), <c>/readyz</c> (readiness, see <see cref="ReadinessHealthCheck"/>),
    /// both answering plain <c>Healthy</c> (200) or <c>Unhealthy</c> (503); and <c>/metrics</c> for Prometheus when enabled.
    /// Orchestrators call them every few seconds without credentials: they are anonymous, never rate limited, and not
    /// counted in the HTTP metrics.
    /// </summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(ProbeRequests.LivenessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ObservabilityServiceCollectionExtensions.LiveTag),
        }).AsProbe();
        app.MapHealthChecks(ProbeRequests.ReadinessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ObservabilityServiceCollectionExtensions.ReadyTag),
        }).AsProbe();

        // Created now rather than at the first session, so gemini_live_relay_active_sessions is exported (at 0) from the start.
        _ = app.Services.GetRequiredService<RelayMetrics>();
        var options = ObservabilityOptions.Read(app.Configuration);
        if (options.Metrics.Enabled && options.Prometheus.Enabled)
        {
            var scrape = app.MapPrometheusScrapingEndpoint(ProbeRequests.MetricsPath).AsProbe();
            if (options.Prometheus.Port is { } port)
            {
                // The port the connection arrived on, not RequireHost: a Host header is the client's to choose.
                scrape.Add(endpoint => endpoint.RequestDelegate = OnlyOnPort(port, endpoint.RequestDelegate!));
            }
        }

        return app;
    }

    private static RequestDelegate OnlyOnPort(int port, RequestDelegate scrape) => context =>
    {
        if (context.Connection.LocalPort == port)
        {
            return scrape(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    };

    private static IEndpointConventionBuilder AsProbe(this IEndpointConventionBuilder endpoint) =>
        endpoint.AllowAnonymous().DisableRateLimiting().DisableHttpMetrics();
}
