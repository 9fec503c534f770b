using System.Text.Json.Serialization;

namespace GeminiLiveRelay.Gemini;

// Wire shapes of the client `setup` message, exactly as the official SDKs emit them (protocol reference 3.1):
// camelCase, enums as upper-case strings, speech settings inside generationConfig, nothing null on the wire.

internal sealed record SetupMessage(Setup Setup);

internal sealed record Setup
{
    public required string Model { get; init; }

    public GenerationConfig? GenerationConfig { get; init; }

    public Content? SystemInstruction { get; init; }

    public EmptyConfig? InputAudioTranscription { get; init; }

    public EmptyConfig? OutputAudioTranscription { get; init; }
}

internal sealed record GenerationConfig
{
    public IReadOnlyList<string>? ResponseModalities { get; init; }

    public SpeechConfig? SpeechConfig { get; init; }
}

internal sealed record SpeechConfig(VoiceConfig VoiceConfig);

internal sealed record VoiceConfig(PrebuiltVoiceConfig PrebuiltVoiceConfig);

internal sealed record PrebuiltVoiceConfig(string VoiceName);

internal sealed record Content(IReadOnlyList<Part> Parts, string? Role);

internal sealed record Part(string Text);

/// <summary>Serialises as <c>{}</c>: presence of the key is what switches the feature on.</summary>
internal sealed record EmptyConfig
{
    public static readonly EmptyConfig Instance = new();
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SetupMessage))]
internal sealed partial class GeminiJsonContext : JsonSerializerContext;
