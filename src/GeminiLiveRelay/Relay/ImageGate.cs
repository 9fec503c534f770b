using System.Buffers;
using System.Diagnostics;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Admits camera/screen frames: a per-session token bucket (<c>Relay:MaxImagesPerSecond</c>) refilled
/// continuously, with half a frame of slack so a page sending at exactly the limit is not punished for network
/// jitter; and a size cap on the decoded image (<c>Relay:MaxImageBytes</c>), checking the base64 on the way.
/// </summary>
/// <remarks>
/// Hand-written rather than the platform's TokenBucketRateLimiter: its replenishment runs on timer ticks, which
/// drift late under load, so a client sending at the allowed rate lost frames in the browser tests.
/// </remarks>
internal sealed class ImageGate(RelayOptions options)
{
    private readonly int _maxBytes = options.MaxImageBytes;
    private readonly double _rate = options.MaxImagesPerSecond;
    private readonly double _capacity = Math.Max(1, options.MaxImagesPerSecond) + 0.5;
    private readonly Lock _gate = new();
    private double _tokens = Math.Max(1, options.MaxImagesPerSecond);
    private long _last = Stopwatch.GetTimestamp();

    /// <summary>An error sentence when the frame is unusable (too big, not base64); null when it is fine.</summary>
    public string? Check(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        if ((long)base64.Length / 4 * 3 > _maxBytes + 2)
        {
            return $"An image may be at most {_maxBytes} bytes (Relay:MaxImageBytes).";
        }

        var buffer = ArrayPool<byte>.Shared.Rent(_maxBytes + 3);
        try
        {
            return Convert.TryFromBase64String(base64, buffer, out _) ? null : "An image's \"data\" must be standard base64.";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Takes a token; false means the frame is over the rate and is dropped.</summary>
    public bool TryAdmit()
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (Stopwatch.GetElapsedTime(_last, now).TotalSeconds * _rate));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
