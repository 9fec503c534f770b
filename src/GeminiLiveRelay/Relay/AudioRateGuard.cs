using System.Diagnostics;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Keeps a browser from sending audio much faster than real time for long (cost and memory): a token bucket in
/// seconds of audio, refilled at <c>Relay:MaxAudioRealtimeFactor</c> per second, with a few seconds of burst.
/// </summary>
internal sealed class AudioRateGuard(double realtimeFactor)
{
    private const double BurstSeconds = 5;

    private double _allowance = BurstSeconds;
    private long _last = Stopwatch.GetTimestamp();

    /// <summary>Books <paramref name="seconds"/> of audio; false when the sender is over the sustained rate.</summary>
    public bool TryConsume(double seconds)
    {
        var now = Stopwatch.GetTimestamp();
        _allowance = Math.Min(BurstSeconds, _allowance + (Stopwatch.GetElapsedTime(_last, now).TotalSeconds * realtimeFactor));
        _last = now;
        _allowance -= seconds;
        return _allowance >= 0;
    }
}
