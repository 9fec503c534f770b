using System.Buffers.Binary;

namespace GeminiLiveRelay.Echo;

/// <summary>
/// A deliberately simple end-of-utterance detector for the offline echo backend: a chunk is speech when its RMS is
/// above a fixed threshold; an utterance ends after <see cref="HangoverSamples"/> of quiet following speech.
/// </summary>
internal sealed class EnergyGate
{
    // About -36 dBFS: above a quiet room's hiss, below normal speech into a laptop mic.
    private const double Threshold = 0.016 * 32768;
    private const int HangoverSamples = 16000 * 6 / 10;

    private int _quietSamples;

    public bool InUtterance { get; private set; }

    /// <summary>Feeds one PCM16 16 kHz chunk; returns true when it completes an utterance.</summary>
    public bool Feed(ReadOnlySpan<byte> pcm16)
    {
        var samples = pcm16.Length / 2;
        if (samples == 0)
        {
            return false;
        }

        double sum = 0;
        for (var i = 0; i < samples; i++)
        {
            double s = BinaryPrimitives.ReadInt16LittleEndian(pcm16[(2 * i)..]);
            sum += s * s;
        }

        var loud = Math.Sqrt(sum / samples) >= Threshold;
        if (loud)
        {
            InUtterance = true;
            _quietSamples = 0;
            return false;
        }

        if (!InUtterance)
        {
            return false;
        }

        _quietSamples += samples;
        if (_quietSamples < HangoverSamples)
        {
            return false;
        }

        Reset();
        return true;
    }

    public void Reset()
    {
        InUtterance = false;
        _quietSamples = 0;
    }
}
