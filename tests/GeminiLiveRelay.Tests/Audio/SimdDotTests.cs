using GeminiLiveRelay.Audio;

namespace GeminiLiveRelay.Tests.Audio;

/// <summary>
/// The paired kernel the 48 kHz decimator uses must give exactly what the single dot product gives, or a stream's
/// output would depend on how its frames happen to pair up.
/// </summary>
public sealed class SimdDotTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(40)]
    [InlineData(56)]
    [InlineData(88)] // the 48 kHz -> 16 kHz filter's padded length: two full blocks and a three-vector tail
    [InlineData(136)]
    public void DotTwoWindows_IsBitIdenticalToTwoSingleDots(int length)
    {
        var random = new Random(length);
        var row = Values(random, length);
        var samples = Values(random, length + 3);
        var first = samples.AsSpan(0, length);
        var second = samples.AsSpan(3, length); // overlapping windows, as in the decimator (step 3)

        SimdDot.DotTwoWindows(row, first, second, out var sumFirst, out var sumSecond);

        Assert.Equal(BitConverter.SingleToInt32Bits(SimdDot.Dot(row, first)), BitConverter.SingleToInt32Bits(sumFirst));
        Assert.Equal(BitConverter.SingleToInt32Bits(SimdDot.Dot(row, second)), BitConverter.SingleToInt32Bits(sumSecond));
        Assert.Equal(Reference(row, first), sumFirst, 1e-4);
        Assert.Equal(Reference(row, second), sumSecond, 1e-4);
    }

    private static float[] Values(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1))];

    private static double Reference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
