namespace GeminiLiveRelay.Gemini;

/// <summary>
/// One parsed server message. Reused by its session's single reader, so parsing allocates nothing but the
/// strings the message carries; decoded audio lives in <see cref="Audio"/> until the next parse.
/// </summary>
internal sealed class GeminiServerMessage
{
    // A model audio chunk is typically a few KB (40 ms at 24 kHz is 1,920 bytes); a bigger one grows the buffer, which
    // is kept for the session's life.
    private byte[] _audio = new byte[4 * 1024];
    private int _audioLength;

    public bool SetupComplete { get; set; }

    /// <summary><c>setupComplete.sessionId</c>: Vertex AI names each session (the Developer API sends <c>{}</c>).</summary>
    public string? SessionId { get; set; }

    public string? InputTranscript { get; set; }

    public string? OutputTranscript { get; set; }

    /// <summary>Parts of <c>modelTurn</c> in order: audio slices of <see cref="Audio"/> or visible text.</summary>
    public List<ModelPart> Parts { get; } = [];

    public bool GenerationComplete { get; set; }

    public bool Interrupted { get; set; }

    public bool TurnComplete { get; set; }

    public GoAway? GoAway { get; set; }

    public ResumptionUpdate? Resumption { get; set; }

    public ToolCall? ToolCall { get; set; }

    public ToolCallCancellation? ToolCallCancellation { get; set; }

    public Usage? Usage { get; set; }

    public Grounding? Grounding { get; set; }

    public ReadOnlyMemory<byte> Audio => _audio.AsMemory(0, _audioLength);

    public void Reset()
    {
        SetupComplete = GenerationComplete = Interrupted = TurnComplete = false;
        InputTranscript = OutputTranscript = SessionId = null;
        GoAway = null;
        Resumption = null;
        ToolCall = null;
        ToolCallCancellation = null;
        Usage = null;
        Grounding = null;
        Parts.Clear();
        _audioLength = 0;
    }

    /// <summary>Room for <paramref name="maxBytes"/> more decoded audio bytes.</summary>
    public Span<byte> ReserveAudio(int maxBytes)
    {
        if (_audio.Length - _audioLength < maxBytes)
        {
            Array.Resize(ref _audio, Math.Max(_audio.Length * 2, _audioLength + maxBytes));
        }

        return _audio.AsSpan(_audioLength, maxBytes);
    }

    public void CommitAudio(int written)
    {
        Parts.Add(new ModelPart(_audioLength, written, null));
        _audioLength += written;
    }

    internal readonly record struct ModelPart(int AudioStart, int AudioLength, string? Text);
}
