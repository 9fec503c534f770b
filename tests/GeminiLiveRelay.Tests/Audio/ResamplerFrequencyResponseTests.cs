using GeminiLiveRelay.Audio;
using Xunit.Abstractions;

namespace GeminiLiveRelay.Tests.Audio;

// The acceptance floor for the browser -> Gemini path: flat within +-0.1 dB to 6 kHz, and anything from
// 9 kHz up rejected by >= 75 dB (it would otherwise fold back into the 16 kHz output as an alias).
public sealed class ResamplerFrequencyResponseTests(ITestOutputHelper output)
{
    private const double Amplitude = 0.5;

    // Enough output to skip the filter's warm-up and still analyse exactly one second.
    private const int SkipOutputSamples = 2000;

    [Theory]
    [InlineData(48000, 1000)]
    [InlineData(48000, 3000)]
    [InlineData(48000, 6000)]
    [InlineData(44100, 1000)]
    [InlineData(44100, 3000)]
    [InlineData(44100, 6000)]
    [InlineData(47999, 6000)]
    [InlineData(96000, 6000)]
    [InlineData(8000, 1000)]
    public void PassbandToneKeepsItsAmplitude(int inputRate, int frequency)
    {
        var steady = SteadyOutput(inputRate, frequency);

        var deviationDb = AudioSignals.Decibels(AudioSignals.ToneAmplitude(steady, 16000, frequency) / Amplitude);

        output.WriteLine($"{inputRate} Hz input, {frequency} Hz tone: passband deviation {deviationDb:F4} dB");
        Assert.InRange(deviationDb, -0.1, 0.1);
    }

    [Theory]
    [InlineData(48000, 9000)]
    [InlineData(48000, 10000)]
    [InlineData(48000, 12000)]
    [InlineData(48000, 15000)]
    [InlineData(48000, 20000)]
    [InlineData(48000, 23000)]
    [InlineData(44100, 9000)]
    [InlineData(44100, 10000)]
    [InlineData(44100, 12000)]
    [InlineData(44100, 15000)]
    [InlineData(44100, 20000)]
    [InlineData(44100, 22000)]
    [InlineData(47999, 9000)]
    [InlineData(96000, 9000)]
    [InlineData(96000, 40000)]
    [InlineData(192000, 9000)]
    [InlineData(22050, 9000)]
    public void StopbandToneIsRejected(int inputRate, int frequency)
    {
        var steady = SteadyOutput(inputRate, frequency);

        // Everything left in the output is alias (or leakage) of the out-of-band tone, so total RMS is the
        // honest measure; the reference is the RMS the same tone would have if it were passed.
        var rejectionDb = -AudioSignals.Decibels(AudioSignals.Rms(steady) / (Amplitude / Math.Sqrt(2)));

        output.WriteLine($"{inputRate} Hz input, {frequency} Hz tone: rejected by {rejectionDb:0.0} dB");
        Assert.True(rejectionDb >= 75, $"only {rejectionDb:0.0} dB");
    }

    [Fact]
    public void UpsamplingFrom8kHzRejectsImages()
    {
        // A 3 kHz tone at 8 kHz has its first image at 5 kHz in a 16 kHz output.
        var steady = SteadyOutput(8000, 3000);
        var imageDb = AudioSignals.Decibels(AudioSignals.ToneAmplitude(steady, 16000, 5000) / Amplitude);

        output.WriteLine($"8 kHz -> 16 kHz: image of 3 kHz at 5 kHz is {imageDb:0.0} dB");
        Assert.True(imageDb <= -75, $"image only {imageDb:0.0} dB down");
    }

    [Fact]
    public void Upsampling16kTo24kKeepsToneAndLength()
    {
        var input = AudioSignals.Sine(16000, 1000, Amplitude, 32000);

        var resampled = AudioSignals.ResampleOneShot(16000, 24000, input);

        Assert.Equal(48000, resampled.Length);
        var steady = resampled.AsSpan(SkipOutputSamples, 24000);
        var deviationDb = AudioSignals.Decibels(AudioSignals.ToneAmplitude(steady, 24000, 1000) / Amplitude);
        var residual = Residual(steady, 24000, 1000);
        output.WriteLine($"16k -> 24k, 1 kHz: deviation {deviationDb:F4} dB, everything else {residual:0.0} dB");
        Assert.InRange(deviationDb, -0.1, 0.1);
        Assert.True(residual <= -75, $"residual {residual:0.0} dB");
    }

    [Fact]
    public void A440HzToneAt48kComesOutAt440HzWithAThirdOfTheSamples()
    {
        var input = AudioSignals.Sine(48000, 440, Amplitude, 48000 + 7);
        var converter = new InputAudioConverter(48000, SampleEncoding.Pcm16, 1);
        var bytes = AudioSignals.ToPcm16Bytes(input);
        var outputBytes = new byte[converter.MaxOutputBytes(bytes.Length)];

        var written = converter.Convert(bytes, outputBytes);

        var resampled = AudioSignals.FromPcm16Bytes(outputBytes.AsSpan(0, written));
        Assert.InRange(resampled.Length, (input.Length / 3) - 1, (input.Length / 3) + 1);
        var steady = resampled[^8000..];
        var loudest = Enumerable.Range(1, 799).Select(step => step * 10)
            .MaxBy(frequency => AudioSignals.ToneAmplitude(steady, 16000, frequency));
        Assert.Equal(440, loudest);
    }

    // Power of everything except the tone, relative to a full-amplitude tone, in dB.
    private static double Residual(ReadOnlySpan<float> steady, int rate, int frequency)
    {
        var tone = AudioSignals.ToneAmplitude(steady, rate, frequency);
        var totalPower = Math.Pow(AudioSignals.Rms(steady), 2);
        var remaining = Math.Max(totalPower - (tone * tone / 2), 1e-30);
        return AudioSignals.Decibels(Math.Sqrt(remaining) / (Amplitude / Math.Sqrt(2)));
    }

    private static float[] SteadyOutput(int inputRate, int frequency)
    {
        var input = AudioSignals.Sine(inputRate, frequency, Amplitude, inputRate + (inputRate / 4));
        var resampled = AudioSignals.ResampleOneShot(inputRate, 16000, input);
        return resampled.AsSpan(SkipOutputSamples, 16000).ToArray();
    }
}
