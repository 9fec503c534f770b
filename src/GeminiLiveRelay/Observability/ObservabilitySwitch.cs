namespace GeminiLiveRelay.Observability;

/// <summary>An on/off setting such as <c>Observability:Metrics:Enabled</c>.</summary>
internal sealed class ObservabilitySwitch
{
    public bool Enabled { get; set; } = true;
}
