using System.Diagnostics;

namespace GeminiLiveRelay.Observability;

/// <summary>
/// One session's "time to first model audio" per turn. The relay cannot hear when the user stops talking, so a turn's
/// end is the last sign of it that passes through: an explicit end (a typed text, <c>activityEnd</c>,
/// <c>audioStreamEnd</c>) or, with server-side turn detection, the latest input transcript. The first model audio after
/// such a mark is measured once; transcripts heard while the model speaks (barge-in) do not re-arm it.
/// Called from the browser loop and the Gemini reader at once, hence the interlocked fields.
/// </summary>
internal sealed class TurnLatency(RelayMetrics metrics)
{
    private long _userTurnEnded; // Stopwatch timestamp of the mark still waiting for audio; 0: none
    private int _modelSpeaking;

    /// <summary>A text turn, <c>activityEnd</c> or <c>audioStreamEnd</c> went to Gemini.</summary>
    public void UserTurnEnded() => Volatile.Write(ref _userTurnEnded, Stopwatch.GetTimestamp());

    /// <summary>An input transcript arrived: the user was still being heard at this moment.</summary>
    public void UserHeard()
    {
        if (Volatile.Read(ref _modelSpeaking) == 0)
        {
            UserTurnEnded();
        }
    }

    /// <summary>A chunk of model audio arrived; only the first after a mark is measured.</summary>
    public void ModelAudio()
    {
        Volatile.Write(ref _modelSpeaking, 1);
        var mark = Interlocked.Exchange(ref _userTurnEnded, 0);
        if (mark != 0)
        {
            metrics.FirstAudio(Stopwatch.GetElapsedTime(mark));
        }
    }

    /// <summary><c>turnComplete</c> or <c>interrupted</c>: the model has stopped speaking.</summary>
    public void ModelTurnEnded() => Volatile.Write(ref _modelSpeaking, 0);
}
