namespace GeminiLiveRelay.MockGemini;

/// <summary>How a <see cref="MockAutoResponder"/> converses: how much input makes an utterance, and what the answer is.</summary>
public sealed record MockAutoResponderOptions
{
    /// <summary>Input audio (16 kHz PCM16 received) that counts as one user utterance; each one is answered.</summary>
    public TimeSpan UtteranceLength { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time from the end of an utterance to the input transcript and the first audio of the answer.</summary>
    public TimeSpan ThinkingDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Audio in one answer (24 kHz PCM16).</summary>
    public TimeSpan ReplyLength { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Audio per <c>serverContent</c> message.</summary>
    public TimeSpan ReplyChunk { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>
    /// How much faster than real time answers are sent (the service generates "as quickly as possible, and not in
    /// real time"); 2 sends a 40 ms chunk every 20 ms.
    /// </summary>
    public double ReplySpeed { get; init; } = 2.0;

    /// <summary>An <c>outputTranscription</c> message after every this many audio chunks (0: none).</summary>
    public int OutputTranscriptEvery { get; init; } = 10;

    public string InputTranscript { get; init; } = "this is what the user said";

    public string OutputTranscript { get; init; } = "and this is the model's answer ";

    /// <summary>Bytes of 24 kHz PCM16 in one reply chunk.</summary>
    public int ReplyChunkBytes => (int)(ReplyChunk.TotalSeconds * 24000) * 2;

    /// <summary>Bytes of 16 kHz PCM16 input in one utterance.</summary>
    public long UtteranceBytes => (long)(UtteranceLength.TotalSeconds * 16000) * 2;
}
