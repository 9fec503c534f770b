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

/// <summary>The model asks for function calls; every id must be answered (unless cancelled).</summary>
internal sealed record ToolCall(IReadOnlyList<FunctionCall> Calls) : GeminiEvent;

/// <param name="Args">The call's arguments (a JSON object; an empty object when absent).</param>
internal sealed record FunctionCall(string Id, string Name, System.Text.Json.JsonElement Args);

/// <summary>These calls must not be answered any more (user activity interrupted the turn).</summary>
internal sealed record ToolCallCancellation(IReadOnlyList<string> Ids) : GeminiEvent;

/// <summary>Token counts; the Developer API and Vertex spellings are both read.</summary>
internal sealed record Usage(
    long PromptTokens,
    long ResponseTokens,
    long TotalTokens,
    long CachedTokens,
    long ToolUsePromptTokens,
    long ThoughtsTokens,
    IReadOnlyDictionary<string, long> PromptByModality,
    IReadOnlyDictionary<string, long> ResponseByModality) : GeminiEvent;

/// <summary>Google Search grounding: the sources behind the model's answer.</summary>
internal sealed record Grounding(IReadOnlyList<GroundingSource> Sources, IReadOnlyList<string> Queries) : GeminiEvent;

internal sealed record GroundingSource(string? Title, string Uri);
