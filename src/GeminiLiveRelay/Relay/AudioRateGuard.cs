using System.Diagnostics;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Keeps a browser from sending audio much faster than real time for long (cost and memory): a token bucket in
/// seconds of audio, refilled at <c>Relay:MaxAudioRealtimeFactor</c> per second and holding <c>Relay:MaxAudioBurst</c>.
/// </summary>
internal sealed class AudioRateGuard(double realtimeFactor, TimeSpan burst)
{
    private readonly double _burstSeconds = burst.TotalSeconds;
    private double _allowance = burst.TotalSeconds;
    private long _last = Stopwatch.GetTimestamp();

    /// <summary>Books <paramref name="seconds"/> of audio; false when the sender is over the sustained rate.</summary>
    public bool TryConsume(double seconds)
    {
        var now = Stopwatch.GetTimestamp();
        _allowance = Math.Min(_burstSeconds, _allowance + (Stopwatch.GetElapsedTime(_last, now).TotalSeconds * realtimeFactor));
        _last = now;
        _allowance -= seconds;
        return _allowance >= 0;
    }
}
