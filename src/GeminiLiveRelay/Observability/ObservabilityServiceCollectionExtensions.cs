using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Relay;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GeminiLiveRelay.Observability;

internal static class ObservabilityServiceCollectionExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>Kestrel's memory pool (the <c>aspnetcore.memory_pool.*</c> instruments), left out of the export.</summary>
    private const string AspNetCoreMemoryPoolMeter = "Microsoft.AspNetCore.MemoryPool";

    /// <summary>
    /// Binds and validates <c>Observability</c> at start-up; registers <see cref="RelayMetrics"/>, the health checks,
    /// and OpenTelemetry: metrics for Prometheus and/or OTLP, traces for OTLP only.
    /// </summary>
    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<ObservabilityOptions>()
            .BindConfiguration(ObservabilityOptions.SectionName)
            .Validate(o => !o.Prometheus.Enabled || o.Metrics.Enabled,
                "Observability:Prometheus:Enabled needs Observability:Metrics:Enabled=true; set one of them to false, or both to true.")
            .Validate(o => o.Prometheus.Port is null or (> 0 and <= 65535),
                "Observability:Prometheus:Port must be a port (1-65535) that is also in ASPNETCORE_HTTP_PORTS, or be left unset.")
            .Validate<IConfiguration>((_, c) => IsValidOtlpEndpoint(c[ObservabilityOptions.OtlpEndpointKey]),
                "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL such as http://otel-collector:4317, or be unset.");
        services.AddMetrics();
        services.AddSingleton<RelayMetrics>();
        AddHealthChecks(services);

        // Exporters are chosen here, before the host starts, from the raw values; the validation above reports bad ones.
        var options = ObservabilityOptions.Read(configuration);
        var otlp = !string.IsNullOrWhiteSpace(configuration[ObservabilityOptions.OtlpEndpointKey]);
        var metrics = options.Metrics.Enabled && (options.Prometheus.Enabled || otlp);
        var tracing = options.Tracing.Enabled && otlp;
        if (!metrics && !tracing)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(
            "gemini-live-relay", serviceVersion: typeof(RelayMetrics).Assembly.GetName().Version?.ToString()));
        if (metrics)
        {
            telemetry.WithMetrics(builder =>
            {
                // ASP.NET Core's meters include kestrel.upgraded_connections (open WebSockets); System.Runtime: GC, CPU, threads.
                builder.AddMeter(RelayMetrics.MeterName, "System.Runtime").AddAspNetCoreInstrumentation();
                // Except Kestrel's memory-pool meter: it counts every buffer rented and returned, several updates per
                // WebSocket frame each way, ~1.3 % of the relay's CPU at 500 sessions (docs/performance.md, change 14).
                // A dropped instrument is not listened to at all, so its counters cost nothing.
                builder.AddView(instrument => instrument.Meter.Name == AspNetCoreMemoryPoolMeter ? MetricStreamConfiguration.Drop : null);
                if (options.Prometheus.Enabled)
                {
                    builder.AddPrometheusExporter();
                }

                if (otlp)
                {
                    builder.AddOtlpExporter();
                }
            });
        }

        if (tracing)
        {
            telemetry.WithTracing(builder => builder
                .AddSource(RelayTracing.SourceName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !ProbeRequests.IsProbe(context.Request.Path))
                .AddOtlpExporter());
        }

        return services;
    }

    private static void AddHealthChecks(IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("process", static () => HealthCheckResult.Healthy(), [LiveTag])
            .Add(new HealthCheckRegistration("ready", sp => new ReadinessHealthCheck(
                sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<RelayMetrics>(),
                [
                    // Monitors: a configuration file reloaded with a bad value fails here, not only at start-up.
                    () => sp.GetRequiredService<IOptionsMonitor<GeminiOptions>>().CurrentValue,
                    () => sp.GetRequiredService<IOptionsMonitor<RelayOptions>>().CurrentValue,
                    () => sp.GetRequiredService<IOptionsMonitor<ObservabilityOptions>>().CurrentValue,
                ],
                () => sp.GetRequiredService<IOptionsMonitor<RelayOptions>>().CurrentValue.MaxSessions,
                sp.GetRequiredService<ILogger<ReadinessHealthCheck>>()),
                HealthStatus.Unhealthy,
                [ReadyTag]));
    }

    private static bool IsValidOtlpEndpoint(string? value) =>
        string.IsNullOrWhiteSpace(value)
        || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));
}
