namespace GeminiLiveRelay.Observability;

/// <summary>Metrics and traces of the relay (configuration section <c>Observability</c>). Health endpoints are always on.</summary>
internal sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    /// <summary>
    /// The OpenTelemetry SDK's own variable for the collector: metrics and traces are pushed over OTLP only when it is
    /// set (its siblings, e.g. <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and <c>OTEL_EXPORTER_OTLP_HEADERS</c>, apply too).
    /// </summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The relay's meter, ASP.NET Core's and the runtime's; off turns every metric export off.</summary>
    public ObservabilitySwitch Metrics { get; set; } = new();

    /// <summary>The Prometheus scrape endpoint at <c>/metrics</c> (needs <see cref="Metrics"/>).</summary>
    public PrometheusOptions Prometheus { get; set; } = new();

    /// <summary>Spans for session setup and tool calls; exported only over OTLP, so without an endpoint nothing is traced.</summary>
    public ObservabilitySwitch Tracing { get; set; } = new();

    /// <summary>Binds the section without validating it: for composition decisions taken before the host starts.</summary>
    public static ObservabilityOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new ObservabilityOptions();
        configuration.GetSection(SectionName).Bind(options);
        return options;
    }
}
