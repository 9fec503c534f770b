namespace GeminiLiveRelay.Observability;

/// <summary>The Prometheus scrape endpoint (<c>Observability:Prometheus</c>).</summary>
internal sealed class PrometheusOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Serve <c>/metrics</c> only to connections on this port (add it to <c>ASPNETCORE_HTTP_PORTS</c>), so an ingress
    /// that forwards the public port cannot expose it; elsewhere it is a 404. Unset: served on every port.
    /// </summary>
    public int? Port { get; set; }
}
