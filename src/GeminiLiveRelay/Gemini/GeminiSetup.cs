using System.Text.Json.Serialization;

namespace GeminiLiveRelay.Gemini;

// Wire shapes of the client `setup` message, exactly as the official SDKs emit them (protocol reference 3.1):
// camelCase, enums as upper-case strings, speech and thinking settings inside generationConfig, everything else a
// sibling of generationConfig, and nothing null on the wire (an unset field is simply absent).

internal sealed record SetupMessage(Setup Setup);

internal sealed record Setup
{
    public required string Model { get; init; }

    public GenerationConfig? GenerationConfig { get; init; }

    public Content? SystemInstruction { get; init; }

    public IReadOnlyList<ToolDeclaration>? Tools { get; init; }

    public RealtimeInputConfig? RealtimeInputConfig { get; init; }

    public SessionResumptionConfig? SessionResumption { get; init; }

    public ContextWindowCompressionConfig? ContextWindowCompression { get; init; }

    public EmptyConfig? InputAudioTranscription { get; init; }

    public EmptyConfig? OutputAudioTranscription { get; init; }

    public Proactivity? Proactivity { get; init; }

    public IReadOnlyList<SafetySetting>? SafetySettings { get; init; }
}

internal sealed record GenerationConfig
{
    public IReadOnlyList<string>? ResponseModalities { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public int? MaxOutputTokens { get; init; }

    public int? Seed { get; init; }

    public string? MediaResolution { get; init; }

    public SpeechConfig? SpeechConfig { get; init; }

    public ThinkingConfig? ThinkingConfig { get; init; }

    public bool? EnableAffectiveDialog { get; init; }
}

internal sealed record SpeechConfig
{
    public VoiceConfig? VoiceConfig { get; init; }

    public string? LanguageCode { get; init; }
}

internal sealed record VoiceConfig(PrebuiltVoiceConfig PrebuiltVoiceConfig);

internal sealed record PrebuiltVoiceConfig(string VoiceName);

internal sealed record ThinkingConfig
{
    public int? ThinkingBudget { get; init; }

    public string? ThinkingLevel { get; init; }

    public bool? IncludeThoughts { get; init; }
}

internal sealed record Content(IReadOnlyList<Part> Parts, string? Role);

internal sealed record Part(string Text);

/// <summary>One entry of <c>setup.tools</c>: each holds exactly one kind of tool.</summary>
internal sealed record ToolDeclaration
{
    public IReadOnlyList<FunctionDeclaration>? FunctionDeclarations { get; init; }

    public EmptyConfig? GoogleSearch { get; init; }

    public EmptyConfig? UrlContext { get; init; }
}

internal sealed record FunctionDeclaration
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public System.Text.Json.JsonElement? Parameters { get; init; }

    public string? Behavior { get; init; }
}

internal sealed record RealtimeInputConfig
{
    public AutomaticActivityDetection? AutomaticActivityDetection { get; init; }

    public string? ActivityHandling { get; init; }

    public string? TurnCoverage { get; init; }
}

internal sealed record AutomaticActivityDetection
{
    public bool? Disabled { get; init; }

    public string? StartOfSpeechSensitivity { get; init; }

    public string? EndOfSpeechSensitivity { get; init; }

    public int? PrefixPaddingMs { get; init; }

    public int? SilenceDurationMs { get; init; }
}

internal sealed record Proactivity(bool ProactiveAudio);

/// <summary><c>{}</c> asks for handles; <c>{"handle":"..."}</c> resumes from one.</summary>
internal sealed record SessionResumptionConfig(string? Handle)
{
    /// <summary>Vertex AI only: updates also carry <c>lastConsumedClientMessageIndex</c>.</summary>
    public bool? Transparent { get; init; }
}

/// <summary>int64 fields travel as JSON strings in the proto3 mapping.</summary>
internal sealed record ContextWindowCompressionConfig(string? TriggerTokens, SlidingWindow SlidingWindow);

internal sealed record SlidingWindow(string? TargetTokens);

internal sealed record SafetySetting(string Category, string Threshold);

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
