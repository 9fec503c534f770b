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

    /// <summary>Gemini's WebSocket close code, when the error is Gemini closing.</summary>
    public int? CloseCode { get; init; }

    public string? CloseReason { get; init; }
}

internal sealed record SignalEvent(string Type);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReadyEvent))]
[JsonSerializable(typeof(TextEvent))]
[JsonSerializable(typeof(ErrorEvent))]
[JsonSerializable(typeof(SignalEvent))]
[JsonSerializable(typeof(BrowserCommand))]
internal sealed partial class BrowserJsonContext : JsonSerializerContext;

/// <summary>Encodes events to UTF-8 JSON; the flag events are encoded once.</summary>
internal static class BrowserEvents
{
    public static readonly byte[] Interrupted = Encode(new SignalEvent("interrupted"));
    public static readonly byte[] GenerationComplete = Encode(new SignalEvent("generationComplete"));
    public static readonly byte[] TurnComplete = Encode(new SignalEvent("turnComplete"));

    public static byte[] Encode(ReadyEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.ReadyEvent);

    public static byte[] Encode(TextEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.TextEvent);

    public static byte[] Encode(ErrorEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.ErrorEvent);

    public static byte[] Encode(SignalEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, BrowserJsonContext.Default.SignalEvent);
}
