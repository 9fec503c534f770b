using System.Diagnostics.Metrics;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Relay;
using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Observability;

/// <summary>
/// The relay's instruments, on the meter <c>GeminiLiveRelay</c> (Prometheus names in the README). One singleton that
/// the session pump calls; every call is cheap and allocation-free, so it may sit on the audio path. The session
/// count doubles as the readiness probe's load figure, so it is kept whether or not metrics are exported.
/// </summary>
internal sealed class RelayMetrics
{
    public const string MeterName = "GeminiLiveRelay";

    // What one second of PCM16 mono weighs each way: 16 kHz to Gemini, 24 kHz from it.
    private const double BytesPerSecondIn = 16_000 * 2;
    private const double BytesPerSecondOut = 24_000 * 2;

    private readonly Counter<long> _sessionsStarted;
    private readonly Counter<long> _sessionsEnded;
    private readonly Histogram<double> _sessionDuration;
    private readonly Counter<long> _reconnects;
    private readonly Histogram<double> _setupDuration;
    private readonly Histogram<double> _firstAudio;
    private readonly Counter<long> _interruptions;
    private readonly Counter<double> _audio;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _toolCalls;
    private readonly Counter<long> _tokens;
    private int _active;

    public RelayMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName); // owned and disposed by the factory
        // Observed rather than added to, so the series exists (at 0) before the first session: an autoscaler reads it.
        meter.CreateObservableUpDownCounter("gemini_live_relay.active_sessions", () => ActiveSessions, "{session}",
            "Browser sessions open now.");
        _sessionsStarted = meter.CreateCounter<long>("gemini_live_relay.sessions.started", "{session}", "Browser sessions accepted.");
        _sessionsEnded = meter.CreateCounter<long>("gemini_live_relay.sessions.ended", "{session}", "Browser sessions ended, by why (end).");
        _sessionDuration = meter.CreateHistogram<double>("gemini_live_relay.session.duration", "s", "How long browser sessions lasted.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200] });
        _reconnects = meter.CreateCounter<long>("gemini_live_relay.upstream.reconnects", "{reconnect}",
            "New Gemini connections within a session, by why (reason: go_away or the failure's category).");
        _setupDuration = meter.CreateHistogram<double>("gemini_live_relay.setup.duration", "ms",
            "From opening a Gemini connection to its setupComplete (resumed: with a resumption handle).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000] });
        _firstAudio = meter.CreateHistogram<double>("gemini_live_relay.first_audio.latency", "ms",
            "From the end of the user's turn, as far as the relay sees it, to the model's first audio of its answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [100, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000] });
        _interruptions = meter.CreateCounter<long>("gemini_live_relay.interruptions", "{interruption}", "Model turns interrupted (barge-in).");
        _audio = meter.CreateCounter<double>("gemini_live_relay.audio", "s", "Audio relayed (direction: input to Gemini, output to browsers).");
        _dropped = meter.CreateCounter<long>("gemini_live_relay.frames.dropped", "{frame}", "Frames and events dropped by limits (kind).");
        _toolCalls = meter.CreateCounter<long>("gemini_live_relay.tool_calls", "{call}", "Function calls run, by outcome (ok, error, timeout, cancelled).");
        _tokens = meter.CreateCounter<long>("gemini_live_relay.tokens", "{token}", "Tokens Gemini reported, by direction and modality.");
    }

    /// <summary>Browser sessions open now (the readiness probe compares it with <c>Relay:MaxSessions</c>).</summary>
    public int ActiveSessions => Volatile.Read(ref _active);

    public void SessionStarted()
    {
        Interlocked.Increment(ref _active);
        _sessionsStarted.Add(1);
    }

    /// <summary>Pairs with <see cref="SessionStarted"/>: call it exactly once per session, in a <c>finally</c>.</summary>
    public void SessionEnded(RelayEnd end, TimeSpan duration)
    {
        Interlocked.Decrement(ref _active);
        _sessionsEnded.Add(1, new KeyValuePair<string, object?>("end", MetricTags.End(end)));
        _sessionDuration.Record(duration.TotalSeconds);
    }

    /// <param name="reason"><c>goAway</c>, or the failure's category (<see cref="UpstreamFailure.Category"/>).</param>
    public void UpstreamReconnect(string reason) =>
        _reconnects.Add(1, new KeyValuePair<string, object?>("reason", MetricTags.ReconnectReason(reason)));

    public void SetupCompleted(TimeSpan elapsed, bool resumed) =>
        _setupDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("resumed", resumed));

    public void FirstAudio(TimeSpan latency) => _firstAudio.Record(latency.TotalMilliseconds);

    public void Interrupted() => _interruptions.Add(1);

    /// <summary>16 kHz PCM16 sent to Gemini (a session reports its bytes every clock tick and at its end).</summary>
    public void AudioToGemini(long bytes) =>
        _audio.Add(bytes / BytesPerSecondIn, new KeyValuePair<string, object?>("direction", MetricTags.Input));

    /// <summary>24 kHz PCM16 sent to a browser.</summary>
    public void AudioToBrowser(long bytes) =>
        _audio.Add(bytes / BytesPerSecondOut, new KeyValuePair<string, object?>("direction", MetricTags.Output));

    public void FrameDropped(DroppedFrame kind) =>
        _dropped.Add(1, new KeyValuePair<string, object?>("kind", MetricTags.Dropped(kind)));

    /// <param name="cancelled">Gemini cancelled the call (<c>toolCallCancellation</c>) or the session ended first.</param>
    public void ToolCallFinished(ToolResponse response, bool cancelled) =>
        _toolCalls.Add(1, new KeyValuePair<string, object?>("outcome", MetricTags.ToolOutcome(response, cancelled)));

    /// <summary>One <c>usageMetadata</c> report; tokens with no modality breakdown count as modality <c>other</c>.</summary>
    public void TokensUsed(Usage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        AddTokens(MetricTags.Input, usage.PromptTokens, usage.PromptByModality);
        AddTokens(MetricTags.Output, usage.ResponseTokens, usage.ResponseByModality);
    }

    private void AddTokens(string direction, long total, IReadOnlyDictionary<string, long> byModality)
    {
        var counted = 0L;
        foreach (var (modality, count) in byModality)
        {
            _tokens.Add(count, new("direction", direction), new("modality", MetricTags.Modality(modality)));
            counted += count;
        }

        if (total > counted)
        {
            _tokens.Add(total - counted, new("direction", direction), new("modality", MetricTags.Other));
        }
    }
}
