using System.Buffers;
using System.Threading.RateLimiting;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Admits camera/screen frames: a per-session token bucket (<c>Relay:MaxImagesPerSecond</c>, the platform's
/// rate limiter) and a size cap on the decoded image (<c>Relay:MaxImageBytes</c>), checking the base64 on the way.
/// </summary>
internal sealed class ImageGate : IDisposable
{
    private readonly TokenBucketRateLimiter _limiter;
    private readonly int _maxBytes;

    public ImageGate(RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxBytes = options.MaxImageBytes;
        var rate = options.MaxImagesPerSecond;
        var perPeriod = rate >= 1 ? (int)Math.Round(rate) : 1;
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perPeriod,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = rate >= 1 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1 / rate),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

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
        using var lease = _limiter.AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
