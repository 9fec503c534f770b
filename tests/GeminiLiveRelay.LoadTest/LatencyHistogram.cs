using System.Diagnostics;
using System.Numerics;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// A lock-free log-linear histogram of durations in microseconds (32 sub-buckets per power of two: ≤ 3 % error;
/// exact below 64 µs), safe to record into from any thread, up to about 35 minutes.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 5;
    private const int Sub = 1 << SubBits;
    private const int Linear = 2 * Sub;
    private readonly long[] _buckets = new long[Linear + (Sub * 32)];
    private long _count;
    private long _sumMicros;
    private long _maxMicros;

    public long Count => Interlocked.Read(ref _count);

    public void RecordTicks(long stopwatchTicks) => Record(stopwatchTicks * 1_000_000 / Stopwatch.Frequency);

    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        Interlocked.Increment(ref _buckets[Index(micros)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, micros);
        var max = Interlocked.Read(ref _maxMicros);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicros, micros, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    public LatencySummary Summarize() => new(
        Count,
        Percentile(0.50),
        Percentile(0.95),
        Percentile(0.99),
        Percentile(0.999),
        Interlocked.Read(ref _maxMicros) / 1000.0,
        Count == 0 ? 0 : Interlocked.Read(ref _sumMicros) / 1000.0 / Count);

    /// <summary>Milliseconds at or below which <paramref name="quantile"/> of the samples lie (bucket midpoint).</summary>
    private double Percentile(double quantile)
    {
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * count);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                var (low, width) = Bounds(i);
                return Math.Min(low + (width / 2.0), Interlocked.Read(ref _maxMicros)) / 1000.0;
            }
        }

        return Interlocked.Read(ref _maxMicros) / 1000.0;
    }

    private static int Index(long micros)
    {
        if (micros < Linear)
        {
            return (int)micros;
        }

        var shift = 63 - BitOperations.LeadingZeroCount((ulong)micros) - SubBits;
        var index = Linear + ((shift - 1) * Sub) + (int)((micros >> shift) - Sub);
        return Math.Min(index, Linear + (Sub * 32) - 1);
    }

    private static (long Low, long Width) Bounds(int index)
    {
        if (index < Linear)
        {
            return (index, 1);
        }

        var shift = ((index - Linear) / Sub) + 1;
        var sub = (index - Linear) % Sub;
        return ((long)(sub + Sub) << shift, 1L << shift);
    }
}

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(long Samples, double P50, double P95, double P99, double P999, double Max, double Mean);
