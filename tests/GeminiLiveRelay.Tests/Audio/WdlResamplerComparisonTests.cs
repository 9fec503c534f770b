using GeminiLiveRelay.Audio;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;
using Xunit.Abstractions;

namespace GeminiLiveRelay.Tests.Audio;

// Evidence for not using NAudio's WDL resampler (see the comment at the top of PolyphaseResampler): on the
// same 48 kHz -> 16 kHz signals it misses the alias-rejection and flatness floor that ours meets.
public sealed class WdlResamplerComparisonTests(ITestOutputHelper output)
{
    private const double Amplitude = 0.5;

    [Fact]
    public void OursMeetsTheFloorWhereWdlDoesNot()
    {
        var wdlRejection = Rejection(Wdl(AudioSignals.Sine(48000, 9000, Amplitude, 60000)));
        var ourRejection = Rejection(AudioSignals.ResampleOneShot(48000, 16000, AudioSignals.Sine(48000, 9000, Amplitude, 60000)));
        var wdlAt6k = Deviation(Wdl(AudioSignals.Sine(48000, 6000, Amplitude, 60000)), 6000);
        var oursAt6k = Deviation(AudioSignals.ResampleOneShot(48000, 16000, AudioSignals.Sine(48000, 6000, Amplitude, 60000)), 6000);

        output.WriteLine($"9 kHz rejection: WDL {wdlRejection:0.0} dB, ours {ourRejection:0.0} dB");
        output.WriteLine($"6 kHz deviation: WDL {wdlAt6k:F2} dB, ours {oursAt6k:F4} dB");
        Assert.True(ourRejection >= 75);
        Assert.True(wdlRejection < ourRejection);
        Assert.InRange(oursAt6k, -0.1, 0.1);
    }

    private static double Rejection(float[] resampled) =>
        -AudioSignals.Decibels(AudioSignals.Rms(resampled.AsSpan(2000, 16000)) / (Amplitude / Math.Sqrt(2)));

    private static double Deviation(float[] resampled, int frequency) =>
        AudioSignals.Decibels(AudioSignals.ToneAmplitude(resampled.AsSpan(2000, 16000), 16000, frequency) / Amplitude);

    private static float[] Wdl(float[] input)
    {
        var resampler = new WdlResamplingSampleProvider(new ArraySampleProvider(input, 48000), 16000);
        var result = new List<float>();
        var buffer = new float[1600];
        int read;
        while ((read = resampler.Read(buffer)) > 0)
        {
            result.AddRange(buffer.AsSpan(0, read));
        }

        return [.. result];
    }

    private sealed class ArraySampleProvider(float[] samples, int sampleRate) : ISampleProvider
    {
        private int _position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, 1);

        public int Read(Span<float> buffer)
        {
            var count = Math.Min(buffer.Length, samples.Length - _position);
            samples.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }
    }
}
