namespace GeminiLiveRelay.Tests.BrowserClient;

/// <summary>
/// How far ahead of playback the page handed model audio to the playback worklet, replayed from the hand-off
/// times: playback starts once the preroll is queued and then consumes in real time, as the worklet does.
/// </summary>
internal static class PlaybackMargin
{
    /// <summary>
    /// A margin at or above this leaves no excuse for an underrun: it covers the fake audio device's render
    /// callback (10 ms) and the message hop to the audio thread with room to spare.
    /// </summary>
    public const double EnoughMs = 30;

    /// <summary>The smallest margin at any hand-off after playback started; +∞ if it never started.</summary>
    /// <param name="handOffs">[time in ms, samples] per audio hand-off, [time, -1] when the turn's audio ended.</param>
    public static double LeanestMs(IReadOnlyList<double[]> handOffs, double prerollMs, int rate)
    {
        var queued = 0.0;
        double? start = null;
        var leanest = double.PositiveInfinity;
        foreach (var handOff in handOffs)
        {
            var (time, samples) = (handOff[0], handOff[1]);
            if (start is { } started)
            {
                leanest = Math.Min(leanest, (queued * 1000 / rate) - (time - started));
            }

            if (samples < 0)
            {
                break; // the turn's audio is complete: what is queued plays out (at once if the preroll never filled)
            }

            queued += samples;
            if (start is null && queued * 1000 / rate >= prerollMs)
            {
                start = time;
            }
        }

        return leanest;
    }
}
