using System.Buffers.Binary;
using GeminiLiveRelay.Audio;

namespace GeminiLiveRelay.Tests.Audio;

public sealed class PcmCodecTests
{
    [Theory]
    [InlineData(1.5f, 32767)]
    [InlineData(-2f, -32768)]
    [InlineData(float.NaN, 0)]
    [InlineData(float.PositiveInfinity, 32767)]
    [InlineData(float.NegativeInfinity, -32768)]
    [InlineData(1f, 32767)]
    [InlineData(-1f, -32768)]
    [InlineData(0.5f, 16384)]
    [InlineData(-0.5f, -16384)]
    [InlineData(0f, 0)]
    public void ToPcm16ClampsInsteadOfWrapping(float sample, short expected)
    {
        Assert.Equal(expected, PcmCodec.ToPcm16(sample));
    }

    [Fact]
    public void VectorAndScalarEncodingAgree()
    {
        // 37 samples: two full 16-lane vector blocks plus a scalar tail, with specials in both parts.
        var samples = AudioSignals.Noise(37, seed: 7).Select(s => s * 3).ToArray();
        samples[3] = float.NaN;
        samples[17] = float.PositiveInfinity;
        samples[35] = float.NaN;
        samples[36] = float.NegativeInfinity;
        var bytes = new byte[samples.Length * 2];

        var written = PcmCodec.EncodePcm16(samples, bytes);

        Assert.Equal(74, written);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(PcmCodec.ToPcm16(samples[i]), BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(i * 2)));
        }
    }

    [Fact]
    public void EveryPcm16ValueRoundTrips()
    {
        var bytes = new byte[65536 * 2];
        for (var value = short.MinValue; value < short.MaxValue; value++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan((value - short.MinValue) * 2), value);
        }

        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(65535 * 2), short.MaxValue);
        var samples = new float[65536];
        PcmCodec.DecodeToMono(bytes, SampleEncoding.Pcm16, 1, samples);
        var encoded = new byte[bytes.Length];

        PcmCodec.EncodePcm16(samples, encoded);

        Assert.Equal(bytes, encoded);
        Assert.Equal(-1f, samples[0]);
    }
}
