using GeminiLiveRelay.Tests.Infrastructure;
using System.Buffers.Binary;
using GeminiLiveRelay.Audio;
using Xunit.Abstractions;

namespace GeminiLiveRelay.Tests.Audio;

public sealed class InputAudioConverterTests(ITestOutputHelper output)
{
    [Fact]
    public void Pcm16Mono16kHzPassesThroughByteIdentical()
    {
        var converter = new InputAudioConverter(16000, SampleEncoding.Pcm16, 1);
        var input = new byte[640];
        new Random(5).NextBytes(input);
        var result = new byte[converter.MaxOutputBytes(input.Length)];

        var written = converter.Convert(input, result);

        Assert.True(converter.IsPassthrough);
        Assert.Equal(2, converter.BytesPerSampleFrame);
        Assert.Equal(input, result[..written]);
    }

    [Theory]
    [InlineData(48000, "Pcm16", 1, 2)]
    [InlineData(48000, "Float32", 2, 8)]
    [InlineData(16000, "Float32", 1, 4)]
    [InlineData(16000, "Pcm16", 2, 4)]
    public void OtherFormatsAreNotPassthrough(int rate, string encodingName, int channels, int bytesPerFrame)
    {
        var encoding = Enum.Parse<SampleEncoding>(encodingName);
        var converter = new InputAudioConverter(rate, encoding, channels);

        Assert.False(converter.IsPassthrough);
        Assert.Equal(bytesPerFrame, converter.BytesPerSampleFrame);
    }

    [Fact]
    public void Float32IsClampedWithoutWrapping()
    {
        float[] samples = [1.5f, -2f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0.5f, -1f, 1f, 0f];
        var converter = new InputAudioConverter(16000, SampleEncoding.Float32, 1);
        var input = new byte[samples.Length * 4];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(input.AsSpan(i * 4), samples[i]);
        }

        var result = ConvertToInt16(converter, input);

        short[] expected = [32767, -32768, 0, 32767, -32768, 16384, -32768, 32767, 0];
        Assert.Equal(expected, result);
    }

    [Fact]
    public void StereoPcm16IsMixedDownByAveraging()
    {
        short[] interleaved = [1000, 3000, -32768, -32768, 32767, 32767, 32767, -32768, -100, 50];
        var converter = new InputAudioConverter(16000, SampleEncoding.Pcm16, 2);
        var input = new byte[interleaved.Length * 2];
        for (var i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(input.AsSpan(i * 2), interleaved[i]);
        }

        var result = ConvertToInt16(converter, input);

        // (32767 + -32768) / 2 = -0.5 rounds to even, i.e. 0; (-100 + 50) / 2 = -25.
        short[] expected = [2000, -32768, 32767, 0, -25];
        Assert.Equal(expected, result);
    }

    [Fact]
    public void StereoFloat32IsMixedDownByAveraging()
    {
        float[] interleaved = [0.5f, -0.25f, 1f, 1f, float.PositiveInfinity, float.NegativeInfinity, 0.25f, 0.25f];
        var converter = new InputAudioConverter(16000, SampleEncoding.Float32, 2);
        var input = new byte[interleaved.Length * 4];
        for (var i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(input.AsSpan(i * 4), interleaved[i]);
        }

        var result = ConvertToInt16(converter, input);

        // +inf and -inf average to NaN, which becomes silence rather than a full-scale click.
        short[] expected = [4096, 32767, 0, 8192];
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData(48000, "Pcm16", 1, 9000)]
    [InlineData(48000, "Pcm16", 1, 20000)]
    [InlineData(44100, "Pcm16", 1, 9000)]
    [InlineData(44100, "Float32", 2, 12000)]
    [InlineData(48000, "Float32", 2, 23000)]
    public void AliasRejectionHoldsThroughThePcm16Path(int rate, string encodingName, int channels, int frequency)
    {
        var encoding = Enum.Parse<SampleEncoding>(encodingName);
        // Same out-of-band tone on every channel, at 0.9 of full scale; PCM16 quantisation at both ends puts
        // the measurable floor near -97 dB, well under the 75 dB requirement.
        const double amplitude = 0.9;
        var tone = AudioSignals.Sine(rate, frequency, amplitude, rate + (rate / 4));
        var input = Encode(tone, encoding, channels);
        var converter = new InputAudioConverter(rate, encoding, channels);

        var samples = ConvertToFloat(converter, input, frameBytes: rate / 50 * converter.BytesPerSampleFrame);

        var steady = samples.AsSpan(2000, 16000);
        var rejectionDb = -AudioSignals.Decibels(AudioSignals.Rms(steady) / (amplitude / Math.Sqrt(2)));
        var shown = double.IsPositiveInfinity(rejectionDb) ? "completely (every output sample is 0)" : $"by {rejectionDb:0.0} dB";
        output.WriteLine($"{rate} Hz {encoding} x{channels}, {frequency} Hz tone: rejected {shown}");
        Assert.True(rejectionDb >= 75, $"only {rejectionDb:0.0} dB");
    }

    [Theory]
    [InlineData(48000, "Pcm16", 1)]
    [InlineData(44100, "Float32", 2)]
    [InlineData(47999, "Pcm16", 2)]
    [InlineData(8000, "Float32", 1)]
    public void ByteChunksMatchOneShotConversion(int rate, string encodingName, int channels)
    {
        var encoding = Enum.Parse<SampleEncoding>(encodingName);
        var input = Encode(AudioSignals.Noise(rate, seed: rate), encoding, channels);
        var frameBytes = (encoding == SampleEncoding.Pcm16 ? 2 : 4) * channels;

        var oneShot = ConvertToFloat(new InputAudioConverter(rate, encoding, channels), input, input.Length);
        var chunked = ConvertToFloat(new InputAudioConverter(rate, encoding, channels), input, frameBytes * 113);

        Assert.Equal(oneShot, chunked);
    }

    [Fact]
    public void InputLargerThanTheScratchBlockIsConvertedWhole()
    {
        // 20000 frames of 48 kHz stereo float is more than one 8192-frame scratch block.
        var input = Encode(AudioSignals.Sine(48000, 1000, 0.5, 20000), SampleEncoding.Float32, 2);
        var converter = new InputAudioConverter(48000, SampleEncoding.Float32, 2);
        var result = new byte[converter.MaxOutputBytes(input.Length)];

        var written = converter.Convert(input, result);

        // ceil(20000 / 3) samples of 2 bytes: the first output needs only the first input sample.
        Assert.Equal(6667 * 2, written);
    }

    [Theory]
    [InlineData("Pcm16", 1, 3)]
    [InlineData("Pcm16", 2, 6)]
    [InlineData("Float32", 1, 6)]
    [InlineData("Float32", 2, 12)]
    public void RejectsInputThatIsNotWholeSampleFrames(string encodingName, int channels, int length)
    {
        var encoding = Enum.Parse<SampleEncoding>(encodingName);
        var converter = new InputAudioConverter(48000, encoding, channels);

        Assert.Throws<ArgumentException>(() => converter.Convert(new byte[length], new byte[1024]));
    }

    [Theory]
    [InlineData(7999, 1)]
    [InlineData(192001, 1)]
    [InlineData(48000, 0)]
    [InlineData(48000, 3)]
    public void RejectsUnsupportedFormats(int rate, int channels)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InputAudioConverter(rate, SampleEncoding.Pcm16, channels));
    }

    [Theory]
    [InlineData(48000, "Pcm16", 1)]
    [InlineData(44100, "Pcm16", 1)]
    [InlineData(48000, "Float32", 2)]
    [InlineData(47999, "Float32", 1)]
    [InlineData(16000, "Pcm16", 1)]
    [InlineData(16000, "Float32", 2)]
    public void ConvertAllocatesNothingInSteadyState(int rate, string encodingName, int channels)
    {
        var encoding = Enum.Parse<SampleEncoding>(encodingName);
        var converter = new InputAudioConverter(rate, encoding, channels);
        var input = Encode(AudioSignals.Noise(rate / 50, seed: 6), encoding, channels);
        var result = new byte[converter.MaxOutputBytes(input.Length)];
        Assert.Equal(0, Allocations.SteadyState(() => converter.Convert(input, result)));
    }

    private static byte[] Encode(float[] mono, SampleEncoding encoding, int channels)
    {
        var bytesPerSample = encoding == SampleEncoding.Pcm16 ? 2 : 4;
        var bytes = new byte[mono.Length * channels * bytesPerSample];
        for (var i = 0; i < mono.Length; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                var offset = ((i * channels) + c) * bytesPerSample;
                if (encoding == SampleEncoding.Pcm16)
                {
                    BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(offset), PcmCodec.ToPcm16(mono[i]));
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), mono[i]);
                }
            }
        }

        return bytes;
    }

    private static float[] ConvertToFloat(InputAudioConverter converter, byte[] input, int frameBytes)
    {
        var converted = new List<byte>();
        var buffer = new byte[converter.MaxOutputBytes(frameBytes)];
        for (var position = 0; position < input.Length; position += frameBytes)
        {
            var frame = input.AsSpan(position, Math.Min(frameBytes, input.Length - position));
            var written = converter.Convert(frame, buffer);
            converted.AddRange(buffer.AsSpan(0, written));
        }

        return AudioSignals.FromPcm16Bytes(converted.ToArray());
    }

    private static short[] ConvertToInt16(InputAudioConverter converter, byte[] input)
    {
        var buffer = new byte[converter.MaxOutputBytes(input.Length)];
        var written = converter.Convert(input, buffer);
        var result = new short[written / 2];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadInt16LittleEndian(buffer.AsSpan(i * 2));
        }

        return result;
    }
}
