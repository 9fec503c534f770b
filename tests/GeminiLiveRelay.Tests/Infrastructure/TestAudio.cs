using System.Runtime.InteropServices;
using GeminiLiveRelay.Tests.Audio;

namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>Signals for the end-to-end tests, in the byte formats a browser sends.</summary>
internal static class TestAudio
{
    public static byte[] TonePcm16(int sampleRate, double frequency, double seconds, double amplitude = 0.5) =>
        AudioSignals.ToPcm16Bytes(AudioSignals.Sine(sampleRate, frequency, amplitude, (int)(sampleRate * seconds)));

    public static byte[] ToneFloat32(int sampleRate, double frequency, double seconds, double amplitude = 0.5) =>
        MemoryMarshal.AsBytes(AudioSignals.Sine(sampleRate, frequency, amplitude, (int)(sampleRate * seconds)).AsSpan()).ToArray();

    /// <summary>The strongest frequency between 50 Hz and 4 kHz (10 Hz steps), measured with Goertzel.</summary>
    public static double DominantFrequency(byte[] pcm16, int sampleRate)
    {
        var samples = AudioSignals.FromPcm16Bytes(pcm16);
        var best = 0.0;
        var bestAmplitude = -1.0;
        for (var f = 50.0; f <= 4000; f += 10)
        {
            var amplitude = AudioSignals.ToneAmplitude(samples, sampleRate, f);
            if (amplitude > bestAmplitude)
            {
                bestAmplitude = amplitude;
                best = f;
            }
        }

        return best;
    }

    /// <summary>16 kHz PCM16 whose samples count up: any gap, duplicate or reordering shows in a byte comparison.</summary>
    public static byte[] NumberedPcm16(double seconds)
    {
        var audio = new byte[(int)(16000 * seconds) * 2];
        for (var i = 0; i < audio.Length / 2; i++)
        {
            BitConverter.TryWriteBytes(audio.AsSpan(2 * i), (short)(i % 32000));
        }

        return audio;
    }

    /// <summary>A recognisable, non-repeating byte pattern standing in for model speech (24 kHz PCM16).</summary>
    public static byte[] ModelSpeech(int chunkIndex, int bytes = 1920)
    {
        var data = new byte[bytes];
        new Random(1000 + chunkIndex).NextBytes(data);
        return data;
    }
}
