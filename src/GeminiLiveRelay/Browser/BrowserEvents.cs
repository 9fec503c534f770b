using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeminiLiveRelay.Browser;

// The relay → browser JSON events of protocol v1 (README, "The /live protocol"). Names are a public contract.

internal sealed record ReadyEvent(string SessionId, string Model, string Backend, InputFormatInfo Input)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "ready";

    public int Protocol { get; init; } = 1;

    public int OutputSampleRate { get; init; } = 24000;
}

internal sealed record InputFormatInfo(int SampleRate, string Encoding, int Channels);

/// <summary><c>inputTranscript</c>, <c>outputTranscript</c> or <c>text</c>.</summary>
internal sealed record TextEvent(string Type, string Text);

internal sealed record ErrorEvent(string Code, string Message)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "error";

    /// <summary>What kind of failure: <c>invalid_config</c>, <c>policy</c>, <c>quota</c>, <c>unavailable</c>, <c>timeout</c>.</summary>
    public string? Category { get; init; }

    /// <summary>Gemini's WebSocket close code, when the error is Gemini closing.</summary>
    public int? CloseCode { get; init; }

    public string? CloseReason { get; init; }
}

internal sealed record SignalEvent(string Type);

/// <summary>The relay is moving the conversation to a new Gemini connection (<c>goAway</c>) or retrying after a failure.</summary>
internal sealed record ReconnectingEvent(string Reason, int Attempt)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "reconnecting";
}

/// <summary>A new Gemini connection carries on the conversation; <c>restored</c> says whether its context came back.</summary>
internal sealed record ResumedEvent(bool Restored)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "resumed";
}

/// <summary>A hard limit is near and cannot be crossed (e.g. resumption is off): the session will end.</summary>
internal sealed record SessionExpiringEvent(string Reason, double? SecondsLeft)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "sessionExpiring";
}

/// <summary>The latest token to resume this conversation with (<c>/live?resume=</c>) after the socket drops.</summary>
internal sealed record ResumeTokenEvent(string Token, double ExpiresInSeconds)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "resumeToken";
}

/// <summary>A non-fatal notice, e.g. camera frames dropped by the rate limit (sent once per session per kind).</summary>
internal sealed record WarningEvent(string Code, string Message)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "warning";
}

internal sealed record ToolCallEvent(string Id, string Name, JsonElement Args)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "toolCall";
}

internal sealed record ToolResultEvent(string Id, string Name, bool Ok, double DurationMs)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "toolResult";

    public string? Error { get; init; }

    /// <summary>True when Gemini cancelled the call (toolCallCancellation): nothing was sent for it.</summary>
    public bool? Cancelled { get; init; }
}

internal sealed record UsageEvent(
    long PromptTokenCount,
    long ResponseTokenCount,
    long TotalTokenCount,
    IReadOnlyDictionary<string, long> PromptTokensByModality,
    IReadOnlyDictionary<string, long> ResponseTokensByModality)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "usage";

    public long? ThoughtsTokenCount { get; init; }

    public long? CachedContentTokenCount { get; init; }

    public long? ToolUsePromptTokenCount { get; init; }
}

internal sealed record GroundingEvent(IReadOnlyList<GroundingSourceInfo> Sources, IReadOnlyList<string> Queries)
{
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "grounding";
}

internal sealed record GroundingSourceInfo(string? Title, string Uri);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReadyEvent))]
[JsonSerializable(typeof(TextEvent))]
[JsonSerializable(typeof(ErrorEvent))]
[JsonSerializable(typeof(SignalEvent))]
[JsonSerializable(typeof(BrowserCommand))]
[JsonSerializable(typeof(WarningEvent))]
[JsonSerializable(typeof(ReconnectingEvent))]
[JsonSerializable(typeof(ResumedEvent))]
[JsonSerializable(typeof(SessionExpiringEvent))]
[JsonSerializable(typeof(ResumeTokenEvent))]
[JsonSerializable(typeof(ToolCallEvent))]
[JsonSerializable(typeof(ToolResultEvent))]
[JsonSerializable(typeof(UsageEvent))]
[JsonSerializable(typeof(GroundingEvent))]
internal sealed partial class BrowserJsonContext : JsonSerializerContext;

/// <summary>Encodes events to UTF-8 JSON; the flag events are encoded once.</summary>
internal static class BrowserEvents
{
    public static readonly byte[] Interrupted = Encode(new SignalEvent("interrupted"));
    public static readonly byte[] GenerationComplete = Encode(new SignalEvent("generationComplete"));
    public static readonly byte[] TurnComplete = Encode(new SignalEvent("turnComplete"));

    /// <summary>The relay is shutting down: the page should reconnect (another instance will answer).</summary>
    public static readonly byte[] Shutdown = Encode(new SignalEvent("shutdown"));

    public static byte[] Encode(ReadyEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.ReadyEvent);

    public static byte[] Encode(TextEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.TextEvent);

    public static byte[] Encode(ErrorEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.ErrorEvent);

    public static byte[] Encode(SignalEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.SignalEvent);

    public static byte[] Encode(ReconnectingEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.ReconnectingEvent);

    public static byte[] Encode(ResumedEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.ResumedEvent);

    public static byte[] Encode(SessionExpiringEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.SessionExpiringEvent);

    public static byte[] Encode(ResumeTokenEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.ResumeTokenEvent);

    public static byte[] Encode(WarningEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.WarningEvent);

    public static byte[] Encode(ToolCallEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.ToolCallEvent);

    public static byte[] Encode(ToolResultEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.ToolResultEvent);

    public static byte[] Encode(UsageEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.UsageEvent);

    public static byte[] Encode(GroundingEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.GroundingEvent);
}
