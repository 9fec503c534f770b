using GeminiLiveRelay.Tests.Infrastructure;
using GeminiLiveRelay.Audio;
using Xunit.Abstractions;

namespace GeminiLiveRelay.Tests.Audio;

public sealed class ResamplerStreamingTests(ITestOutputHelper output)
{
    // Irregular sizes, including ones larger than the resampler's internal block, so every combination of
    // phase, history compaction and block boundary is crossed.
    private static readonly int[] ChunkSizes = [1, 7, 127, 480, 441, 960, 0, 3, 5000, 2, 960, 10000];

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(48000, 16000)]
    [InlineData(22050, 16000)]
    [InlineData(47999, 16000)]
    [InlineData(8000, 16000)]
    [InlineData(11025, 16000)]
    [InlineData(96000, 16000)]
    [InlineData(192000, 16000)]
    [InlineData(16000, 24000)]
    [InlineData(16000, 16000)]
    public void ChunkedOutputEqualsOneShotOutput(int inputRate, int outputRate)
    {
        var input = AudioSignals.Noise(inputRate * 2, seed: inputRate);
        var oneShot = AudioSignals.ResampleOneShot(inputRate, outputRate, input);

        var resampler = new PolyphaseResampler(inputRate, outputRate);
        var chunked = new List<float>();
        var scratch = new float[resampler.MaxOutputSamples(10000)];
        var position = 0;
        for (var call = 0; position < input.Length; call++)
        {
            var size = Math.Min(ChunkSizes[call % ChunkSizes.Length], input.Length - position);
            var written = resampler.Process(input.AsSpan(position, size), scratch);
            Assert.InRange(written, 0, resampler.MaxOutputSamples(size));
            chunked.AddRange(scratch.AsSpan(0, written));
            position += size;
        }

        Assert.Equal(oneShot, chunked.ToArray());
    }

    [Fact]
    public void ResetForgetsHistory()
    {
        var input = AudioSignals.Noise(4800, seed: 1);
        var resampler = new PolyphaseResampler(44100, 16000);
        var scratch = new float[resampler.MaxOutputSamples(input.Length)];
        resampler.Process(AudioSignals.Noise(1234, seed: 2), scratch);

        resampler.Reset();
        var written = resampler.Process(input, scratch);

        Assert.Equal(AudioSignals.ResampleOneShot(44100, 16000, input), scratch[..written]);
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(11025, 16000)]
    [InlineData(22050, 16000)]
    [InlineData(44100, 16000)]
    [InlineData(47999, 16000)]
    [InlineData(48000, 16000)]
    [InlineData(96000, 16000)]
    [InlineData(192000, 16000)]
    [InlineData(16000, 24000)]
    public void LatencyIsAtMostTwoMillisecondsAndMatchesTheImpulsePeak(int inputRate, int outputRate)
    {
        var resampler = new PolyphaseResampler(inputRate, outputRate);
        var impulse = new float[inputRate / 10];
        impulse[0] = 1;
        var response = new float[resampler.MaxOutputSamples(impulse.Length)];
        var written = resampler.Process(impulse, response);

        var peakIndex = 0;
        for (var i = 1; i < written; i++)
        {
            if (Math.Abs(response[i]) > Math.Abs(response[peakIndex]))
            {
                peakIndex = i;
            }
        }

        var measuredMs = peakIndex * 1000.0 / outputRate;
        output.WriteLine(
            $"{inputRate} -> {outputRate}: LatencyMilliseconds {resampler.LatencyMilliseconds:F3}, impulse peak at {measuredMs:F3} ms");
        Assert.InRange(resampler.LatencyMilliseconds, 0, 2);
        Assert.InRange(measuredMs, 0, 2);
        Assert.InRange(Math.Abs(measuredMs - resampler.LatencyMilliseconds), 0, 1000.0 / outputRate);
    }

    [Fact]
    public void EqualRatesCopyWithoutLatency()
    {
        var input = AudioSignals.Noise(1000, seed: 3);

        var resampled = AudioSignals.ResampleOneShot(16000, 16000, input);

        Assert.Equal(input, resampled);
        Assert.Equal(0, new PolyphaseResampler(16000, 16000).LatencyMilliseconds);
    }

    [Theory]
    [InlineData(48000, 16000, 960)]
    [InlineData(44100, 16000, 882)]
    [InlineData(47999, 16000, 960)]
    [InlineData(16000, 24000, 320)]
    public void ProcessAllocatesNothingInSteadyState(int inputRate, int outputRate, int frameSamples)
    {
        var resampler = new PolyphaseResampler(inputRate, outputRate);
        var input = AudioSignals.Noise(frameSamples, seed: 4);
        var scratch = new float[resampler.MaxOutputSamples(frameSamples)];
        Assert.Equal(0, Allocations.SteadyState(() => resampler.Process(input, scratch)));
    }

    [Fact]
    public void ProcessRejectsAShortOutputBuffer()
    {
        var resampler = new PolyphaseResampler(48000, 16000);

        Assert.Throws<ArgumentException>(() => resampler.Process(new float[960], new float[319]));
    }
}
