namespace GeminiLiveRelay.Tests.Audio;

// Test-signal generation and measurement shared by the audio tests.
internal static class AudioSignals
{
    public static float[] Sine(int sampleRate, double frequency, double amplitude, int length)
    {
        var samples = new float[length];
        for (var i = 0; i < length; i++)
        {
            samples[i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return samples;
    }

    // Deterministic white noise in [-0.5, 0.5]: exercises every frequency at once for the streaming tests.
    public static float[] Noise(int length, int seed)
    {
        var random = new Random(seed);
        var samples = new float[length];
        for (var i = 0; i < length; i++)
        {
            samples[i] = (float)(random.NextDouble() - 0.5);
        }

        return samples;
    }

    // Amplitude of the component at `frequency` (Goertzel). Exact when the window holds a whole number of
    // cycles, which the tests arrange by analysing one-second windows of integer-Hz tones.
    public static double ToneAmplitude(ReadOnlySpan<float> samples, int sampleRate, double frequency)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double previous = 0;
        double beforePrevious = 0;
        foreach (var sample in samples)
        {
            var current = sample + (coefficient * previous) - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }

        var power = (previous * previous) + (beforePrevious * beforePrevious) - (coefficient * previous * beforePrevious);
        return 2 * Math.Sqrt(Math.Max(power, 0)) / samples.Length;
    }

    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var sample in samples)
        {
            sum += (double)sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    public static double Decibels(double ratio) => 20 * Math.Log10(ratio);

    public static float[] ResampleOneShot(int inputRate, int outputRate, ReadOnlySpan<float> input)
    {
        var resampler = new GeminiLiveRelay.Audio.PolyphaseResampler(inputRate, outputRate);
        var output = new float[resampler.MaxOutputSamples(input.Length)];
        var written = resampler.Process(input, output);
        return output[..written];
    }

    public static byte[] ToPcm16Bytes(ReadOnlySpan<float> samples)
    {
        var bytes = new byte[samples.Length * 2];
        GeminiLiveRelay.Audio.PcmCodec.EncodePcm16(samples, bytes);
        return bytes;
    }

    public static float[] FromPcm16Bytes(ReadOnlySpan<byte> bytes)
    {
        var samples = new float[bytes.Length / 2];
        GeminiLiveRelay.Audio.PcmCodec.DecodeToMono(bytes, GeminiLiveRelay.Audio.SampleEncoding.Pcm16, 1, samples);
        return samples;
    }
}
