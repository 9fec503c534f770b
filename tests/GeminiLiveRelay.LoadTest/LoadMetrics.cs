namespace GeminiLiveRelay.LoadTest;

/// <summary>Latency histograms shared by all sessions; samples count only inside the steady-state window.</summary>
internal sealed class LoadMetrics
{
    private volatile bool _recording;

    public LatencyHistogram Upstream { get; } = new();

    public LatencyHistogram Downstream { get; } = new();

    /// <summary>How late the load tool itself handed frames to the socket (its own health, not the relay's).</summary>
    public LatencyHistogram PacerLag { get; } = new();

    public bool Recording
    {
        get => _recording;
        set => _recording = value;
    }

    public void RecordUpstream(long ticks)
    {
        if (_recording)
        {
            Upstream.RecordTicks(ticks);
        }
    }

    public void RecordDownstream(long ticks)
    {
        if (_recording)
        {
            Downstream.RecordTicks(ticks);
        }
    }

    public void RecordPacerLag(long ticks)
    {
        if (_recording)
        {
            PacerLag.RecordTicks(ticks);
        }
    }
}
