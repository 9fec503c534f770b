namespace GeminiLiveRelay.Gemini;

// The closed set of things a live model session reports besides audio (audio goes through
// IGeminiEventSink.OnAudioAsync so the hot path needs no allocation per chunk).

internal abstract record GeminiEvent;

internal sealed record InputTranscript(string Text) : GeminiEvent;

internal sealed record OutputTranscript(string Text) : GeminiEvent;

/// <summary>A text part of the model's turn (TEXT modality); thought parts are never reported.</summary>
internal sealed record ModelText(string Text) : GeminiEvent;

internal sealed record Interrupted : GeminiEvent
{
    public static readonly Interrupted Instance = new();
}

internal sealed record GenerationComplete : GeminiEvent
{
    public static readonly GenerationComplete Instance = new();
}

internal sealed record TurnComplete : GeminiEvent
{
    public static readonly TurnComplete Instance = new();
}

/// <summary>The service will close this connection after <paramref name="TimeLeft"/>.</summary>
internal sealed record GoAway(TimeSpan? TimeLeft) : GeminiEvent;

internal sealed record ResumptionUpdate(string? NewHandle, bool Resumable) : GeminiEvent;
