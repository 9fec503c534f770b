namespace GeminiLiveRelay.Relay;

// The audio-seconds counter is fed from the session's own byte totals on every clock tick and once at the end, not
// per frame: at 500 sessions that is at most ~4,000 counter updates a second instead of ~32,000 (each one a tagged
// lookup in the metrics SDK), and the totals are the same to the byte.
internal sealed partial class RelaySession
{
    private long _audioToGeminiReported;
    private long _audioToBrowserReported;

    private void ReportAudio()
    {
        if (_metrics is null)
        {
            return;
        }

        var toGemini = Unreported(ref _audioToGeminiReported, Volatile.Read(ref _stats.AudioBytesToGemini));
        if (toGemini > 0)
        {
            _metrics.AudioToGemini(toGemini);
        }

        var toBrowser = Unreported(ref _audioToBrowserReported, Volatile.Read(ref _stats.AudioBytesToBrowser));
        if (toBrowser > 0)
        {
            _metrics.AudioToBrowser(toBrowser);
        }
    }

    // Claims the bytes between what was reported so far and the total; the clock and the session's end can both call
    // this at once, and neither reports a byte the other did.
    private static long Unreported(ref long reported, long total)
    {
        var previous = Volatile.Read(ref reported);
        while (total > previous)
        {
            var seen = Interlocked.CompareExchange(ref reported, total, previous);
            if (seen == previous)
            {
                return total - previous;
            }

            previous = seen;
        }

        return 0;
    }
}
