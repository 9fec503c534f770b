using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GeminiLiveRelay.Audio;

// The resampler's inner loop. Lengths are always a multiple of TapAlignment (the filter rows are
// zero-padded), so there is no scalar tail on the vector paths. Four independent accumulators hide the FMA
// latency. The summation order depends only on the length, never on memory alignment or on how the input
// was chunked, which is what makes streamed output bit-identical to one-shot output.
internal static class SimdDot
{
    public const int TapAlignment = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length && a.Length % TapAlignment == 0);
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            return Dot256(ref ra, ref rb, length);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            return Dot128(ref ra, ref rb, length);
        }

        var sum = 0f;
        for (nuint i = 0; i < length; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }

    // Dots two coefficient rows against the same samples in one pass (the samples are loaded once); used by
    // the interpolated-phase mode, which blends the two results.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotPair(
        ReadOnlySpan<float> a,
        ReadOnlySpan<float> b,
        ReadOnlySpan<float> samples,
        out float sumA,
        out float sumB)
    {
        Debug.Assert(a.Length == samples.Length && b.Length == samples.Length);
        Debug.Assert(samples.Length % TapAlignment == 0);
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rx = ref MemoryMarshal.GetReference(samples);
        var length = (nuint)samples.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            var accA0 = Vector256<float>.Zero;
            var accA1 = Vector256<float>.Zero;
            var accB0 = Vector256<float>.Zero;
            var accB1 = Vector256<float>.Zero;
            nuint i = 0;
            for (; i + 16 <= length; i += 16)
            {
                var x0 = Vector256.LoadUnsafe(ref rx, i);
                var x1 = Vector256.LoadUnsafe(ref rx, i + 8);
                accA0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i), x0, accA0);
                accB0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref rb, i), x0, accB0);
                accA1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i + 8), x1, accA1);
                accB1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref rb, i + 8), x1, accB1);
            }

            if (i < length)
            {
                var x0 = Vector256.LoadUnsafe(ref rx, i);
                accA0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i), x0, accA0);
                accB0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref rb, i), x0, accB0);
            }

            sumA = Vector256.Sum(accA0 + accA1);
            sumB = Vector256.Sum(accB0 + accB1);
            return;
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var accA = Vector128<float>.Zero;
            var accB = Vector128<float>.Zero;
            for (nuint i = 0; i < length; i += 4)
            {
                var x = Vector128.LoadUnsafe(ref rx, i);
                accA = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref ra, i), x, accA);
                accB = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref rb, i), x, accB);
            }

            sumA = Vector128.Sum(accA);
            sumB = Vector128.Sum(accB);
            return;
        }

        var scalarA = 0f;
        var scalarB = 0f;
        for (nuint i = 0; i < length; i++)
        {
            var x = Unsafe.Add(ref rx, i);
            scalarA += Unsafe.Add(ref ra, i) * x;
            scalarB += Unsafe.Add(ref rb, i) * x;
        }

        sumA = scalarA;
        sumB = scalarB;
    }

    // Two outputs of one coefficient row (integer-ratio decimation such as 48 kHz -> 16 kHz has a single phase), so
    // each coefficient vector is loaded once for both windows: the loop is bound by loads, not multiplies. Each sum is
    // bit-identical to Dot(row, window) because each window keeps Dot256's accumulators and order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotTwoWindows(
        ReadOnlySpan<float> row,
        ReadOnlySpan<float> first,
        ReadOnlySpan<float> second,
        out float sumFirst,
        out float sumSecond)
    {
        Debug.Assert(first.Length == row.Length && second.Length == row.Length);
        Debug.Assert(row.Length % TapAlignment == 0);
        if (!Vector256.IsHardwareAccelerated)
        {
            sumFirst = Dot(row, first);
            sumSecond = Dot(row, second);
            return;
        }

        Dot256TwoWindows(
            ref MemoryMarshal.GetReference(row),
            ref MemoryMarshal.GetReference(first),
            ref MemoryMarshal.GetReference(second),
            (nuint)row.Length,
            out sumFirst,
            out sumSecond);
    }

    private static void Dot256TwoWindows(ref float rc, ref float rx, ref float ry, nuint length, out float sumX, out float sumY)
    {
        var x0 = Vector256<float>.Zero;
        var x1 = Vector256<float>.Zero;
        var x2 = Vector256<float>.Zero;
        var x3 = Vector256<float>.Zero;
        var y0 = Vector256<float>.Zero;
        var y1 = Vector256<float>.Zero;
        var y2 = Vector256<float>.Zero;
        var y3 = Vector256<float>.Zero;
        nuint i = 0;
        for (; i + 32 <= length; i += 32)
        {
            var c = Vector256.LoadUnsafe(ref rc, i);
            x0 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref rx, i), x0);
            y0 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref ry, i), y0);
            c = Vector256.LoadUnsafe(ref rc, i + 8);
            x1 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref rx, i + 8), x1);
            y1 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref ry, i + 8), y1);
            c = Vector256.LoadUnsafe(ref rc, i + 16);
            x2 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref rx, i + 16), x2);
            y2 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref ry, i + 16), y2);
            c = Vector256.LoadUnsafe(ref rc, i + 24);
            x3 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref rx, i + 24), x3);
            y3 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref ry, i + 24), y3);
        }

        // The same tail as Dot256: at most three 8-wide blocks, one per accumulator.
        if (i < length)
        {
            var c = Vector256.LoadUnsafe(ref rc, i);
            x0 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref rx, i), x0);
            y0 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref ry, i), y0);
            i += 8;
        }

        if (i < length)
        {
            var c = Vector256.LoadUnsafe(ref rc, i);
            x1 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref rx, i), x1);
            y1 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref ry, i), y1);
            i += 8;
        }

        if (i < length)
        {
            var c = Vector256.LoadUnsafe(ref rc, i);
            x2 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref rx, i), x2);
            y2 = Vector256.MultiplyAddEstimate(c, Vector256.LoadUnsafe(ref ry, i), y2);
        }

        sumX = Vector256.Sum((x0 + x1) + (x2 + x3));
        sumY = Vector256.Sum((y0 + y1) + (y2 + y3));
    }

    private static float Dot256(ref float ra, ref float rb, nuint length)
    {
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        var acc2 = Vector256<float>.Zero;
        var acc3 = Vector256<float>.Zero;
        nuint i = 0;
        for (; i + 32 <= length; i += 32)
        {
            acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i), Vector256.LoadUnsafe(ref rb, i), acc0);
            acc1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i + 8), Vector256.LoadUnsafe(ref rb, i + 8), acc1);
            acc2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i + 16), Vector256.LoadUnsafe(ref rb, i + 16), acc2);
            acc3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i + 24), Vector256.LoadUnsafe(ref rb, i + 24), acc3);
        }

        // At most three 8-wide blocks remain; give each its own accumulator so they still overlap.
        if (i < length)
        {
            acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i), Vector256.LoadUnsafe(ref rb, i), acc0);
            i += 8;
        }

        if (i < length)
        {
            acc1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i), Vector256.LoadUnsafe(ref rb, i), acc1);
            i += 8;
        }

        if (i < length)
        {
            acc2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ra, i), Vector256.LoadUnsafe(ref rb, i), acc2);
        }

        return Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
    }

    private static float Dot128(ref float ra, ref float rb, nuint length)
    {
        var acc0 = Vector128<float>.Zero;
        var acc1 = Vector128<float>.Zero;
        for (nuint i = 0; i < length; i += 8)
        {
            acc0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref ra, i), Vector128.LoadUnsafe(ref rb, i), acc0);
            acc1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref ra, i + 4), Vector128.LoadUnsafe(ref rb, i + 4), acc1);
        }

        return Vector128.Sum(acc0 + acc1);
    }
}
