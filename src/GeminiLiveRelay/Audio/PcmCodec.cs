using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GeminiLiveRelay.Audio;

// Sample-format conversions around the resampler. Scaling convention: PCM16 -> float divides by 32768, and
// float -> PCM16 multiplies by 32768, rounds to nearest (ties to even) and saturates to [-32768, 32767].
// So -1.0 -> -32768 and +1.0 -> +32767 (clipped by one LSB), and every PCM16 value round-trips exactly.
// The vector paths reinterpret the bytes as little-endian words directly and are only taken on
// little-endian machines; elsewhere the BinaryPrimitives scalar paths give the same results.
internal static class PcmCodec
{
    private const float Pcm16Scale = 32768f;
    private const float InversePcm16Scale = 1f / 32768f;

    // Decodes whole sample frames to mono floats in [-1, 1]; stereo is mixed down by averaging the
    // channels. Float input is sanitised here (NaN -> 0, +-inf and overs clamped to +-1) so a single bad
    // sample from a browser cannot poison the filter history with NaN for the next taps-1 outputs.
    public static int DecodeToMono(ReadOnlySpan<byte> input, SampleEncoding encoding, int channels, Span<float> destination)
    {
        var bytesPerFrame = (encoding == SampleEncoding.Pcm16 ? 2 : 4) * channels;
        var frames = input.Length / bytesPerFrame;
        destination = destination[..frames];
        switch (encoding, channels)
        {
            case (SampleEncoding.Pcm16, 1):
                DecodePcm16Mono(input[..(frames * 2)], destination);
                break;
            case (SampleEncoding.Pcm16, 2):
                DecodePcm16Stereo(input[..(frames * 4)], destination);
                break;
            case (SampleEncoding.Float32, 1):
                DecodeFloat32Mono(input[..(frames * 4)], destination);
                break;
            case (SampleEncoding.Float32, 2):
                DecodeFloat32Stereo(input[..(frames * 8)], destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(channels), channels, "Only mono and stereo are supported.");
        }

        return frames;
    }

    // Writes samples as PCM16 little-endian; returns the bytes written (2 per sample).
    public static int EncodePcm16(ReadOnlySpan<float> samples, Span<byte> destination)
    {
        var byteCount = samples.Length * 2;
        destination = destination[..byteCount];
        var i = 0;
        if (BitConverter.IsLittleEndian && Vector256.IsHardwareAccelerated)
        {
            var words = MemoryMarshal.Cast<byte, short>(destination);
            ref var source = ref MemoryMarshal.GetReference(samples);
            ref var target = ref MemoryMarshal.GetReference(words);
            var scale = Vector256.Create(Pcm16Scale);
            for (; i + 16 <= samples.Length; i += 16)
            {
                var low = ToPcm16Lanes(Vector256.LoadUnsafe(ref source, (nuint)i), scale);
                var high = ToPcm16Lanes(Vector256.LoadUnsafe(ref source, (nuint)(i + 8)), scale);
                Vector256.Narrow(low, high).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(destination[(i * 2)..], ToPcm16(samples[i]));
        }

        return byteCount;
    }

    public static short ToPcm16(float sample)
    {
        if (float.IsNaN(sample))
        {
            return 0;
        }

        var scaled = MathF.Round(sample * Pcm16Scale);
        if (scaled >= short.MaxValue)
        {
            return short.MaxValue;
        }

        return scaled <= short.MinValue ? short.MinValue : (short)scaled;
    }

    private static float Sanitise(float sample) => float.IsNaN(sample) ? 0f : Math.Clamp(sample, -1f, 1f);

    private static Vector256<int> ToPcm16Lanes(Vector256<float> samples, Vector256<float> scale)
    {
        // NaN compares unequal to itself: zero those lanes first, so the native min/max below never see NaN.
        var scaled = Vector256.ConditionalSelect(Vector256.Equals(samples, samples), samples * scale, Vector256<float>.Zero);
        var rounded = Vector256.Round(scaled);
        var clamped = Vector256.MinNative(Vector256.MaxNative(rounded, Vector256.Create(-32768f)), Vector256.Create(32767f));
        return Vector256.ConvertToInt32(clamped);
    }

    private static void DecodePcm16Mono(ReadOnlySpan<byte> input, Span<float> destination)
    {
        var i = 0;
        if (BitConverter.IsLittleEndian && Vector256.IsHardwareAccelerated)
        {
            var words = MemoryMarshal.Cast<byte, short>(input);
            ref var source = ref MemoryMarshal.GetReference(words);
            ref var target = ref MemoryMarshal.GetReference(destination);
            var scale = Vector256.Create(InversePcm16Scale);
            for (; i + 16 <= words.Length; i += 16)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)i));
                (Vector256.ConvertToSingle(low) * scale).StoreUnsafe(ref target, (nuint)i);
                (Vector256.ConvertToSingle(high) * scale).StoreUnsafe(ref target, (nuint)(i + 8));
            }
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadInt16LittleEndian(input[(i * 2)..]) * InversePcm16Scale;
        }
    }

    private static void DecodeFloat32Mono(ReadOnlySpan<byte> input, Span<float> destination)
    {
        var i = 0;
        if (BitConverter.IsLittleEndian && Vector256.IsHardwareAccelerated)
        {
            var floats = MemoryMarshal.Cast<byte, float>(input);
            ref var source = ref MemoryMarshal.GetReference(floats);
            ref var target = ref MemoryMarshal.GetReference(destination);
            var min = Vector256.Create(-1f);
            var max = Vector256.Create(1f);
            for (; i + 8 <= floats.Length; i += 8)
            {
                var value = Vector256.LoadUnsafe(ref source, (nuint)i);
                value = Vector256.ConditionalSelect(Vector256.Equals(value, value), value, Vector256<float>.Zero);
                Vector256.MinNative(Vector256.MaxNative(value, min), max).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = Sanitise(BinaryPrimitives.ReadSingleLittleEndian(input[(i * 4)..]));
        }
    }

    // Stereo is the uncommon case (browsers are asked for mono), so these stay scalar; reading through a
    // reinterpreted span on little-endian machines avoids a slice per sample.
    private static void DecodePcm16Stereo(ReadOnlySpan<byte> input, Span<float> destination)
    {
        const float scale = 0.5f * InversePcm16Scale;
        if (BitConverter.IsLittleEndian)
        {
            var words = MemoryMarshal.Cast<byte, short>(input);
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (words[2 * i] + words[(2 * i) + 1]) * scale;
            }

            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var left = BinaryPrimitives.ReadInt16LittleEndian(input[(i * 4)..]);
            var right = BinaryPrimitives.ReadInt16LittleEndian(input[((i * 4) + 2)..]);
            destination[i] = (left + right) * scale;
        }
    }

    private static void DecodeFloat32Stereo(ReadOnlySpan<byte> input, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            var floats = MemoryMarshal.Cast<byte, float>(input);
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = Sanitise((floats[2 * i] + floats[(2 * i) + 1]) * 0.5f);
            }

            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var left = BinaryPrimitives.ReadSingleLittleEndian(input[(i * 8)..]);
            var right = BinaryPrimitives.ReadSingleLittleEndian(input[((i * 8) + 4)..]);
            destination[i] = Sanitise((left + right) * 0.5f);
        }
    }
}
