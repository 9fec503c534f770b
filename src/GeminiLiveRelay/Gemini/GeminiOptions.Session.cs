using System.ComponentModel.DataAnnotations;

namespace GeminiLiveRelay.Gemini;

// Every Live setting the service offers (protocol reference 3.1). Null means "not configured": nothing is sent and
// the model's own default applies, because several fields are rejected (1007) by models that do not support them.
internal sealed partial class GeminiOptions
{
    /// <summary>Reads <see cref="SystemInstruction"/> from a file instead (long prompts); wins over the text.</summary>
    public string? SystemInstructionFile { get; set; }

    [Range(0.0, 2.0, ErrorMessage = "Gemini:Temperature must be between 0 and 2.")]
    public double? Temperature { get; set; }

    [Range(0.0, 1.0, ErrorMessage = "Gemini:TopP must be between 0 and 1.")]
    public double? TopP { get; set; }

    [Range(1, 1000, ErrorMessage = "Gemini:TopK must be between 1 and 1000.")]
    public int? TopK { get; set; }

    [Range(1, 1_000_000, ErrorMessage = "Gemini:MaxOutputTokens must be at least 1.")]
    public int? MaxOutputTokens { get; set; }

    public int? Seed { get; set; }

    /// <summary><c>LOW</c>, <c>MEDIUM</c> or <c>HIGH</c> (tokens per image).</summary>
    public string? MediaResolution { get; set; }

    /// <summary>2.5 models: 0 = off, -1 = dynamic.</summary>
    [Range(-1, 32768, ErrorMessage = "Gemini:ThinkingBudget must be -1 (dynamic), 0 (off) or a token count up to 32768.")]
    public int? ThinkingBudget { get; set; }

    /// <summary>3.x models: <c>MINIMAL</c>, <c>LOW</c>, <c>MEDIUM</c>, <c>HIGH</c>.</summary>
    public string? ThinkingLevel { get; set; }

    /// <summary>Ask for thought summaries; they are logged at Debug, never shown as the model's words.</summary>
    public bool? IncludeThoughts { get; set; }

    /// <summary>BCP-47 language of speech output (half-cascade models only; native-audio models pick it themselves).</summary>
    [RegularExpression("^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$", ErrorMessage = "Gemini:LanguageCode must be a BCP-47 code such as en-US.")]
    public string? LanguageCode { get; set; }

    /// <summary>Server-side voice activity detection; false hands turn-taking to activityStart/activityEnd.</summary>
    public bool? AutomaticActivityDetection { get; set; }

    /// <summary><c>HIGH</c> or <c>LOW</c>.</summary>
    public string? StartSensitivity { get; set; }

    /// <summary><c>HIGH</c> or <c>LOW</c>.</summary>
    public string? EndSensitivity { get; set; }

    [Range(0, 10_000, ErrorMessage = "Gemini:PrefixPaddingMs must be between 0 and 10000.")]
    public int? PrefixPaddingMs { get; set; }

    [Range(0, 10_000, ErrorMessage = "Gemini:SilenceDurationMs must be between 0 and 10000.")]
    public int? SilenceDurationMs { get; set; }

    /// <summary><c>INTERRUPT</c> (START_OF_ACTIVITY_INTERRUPTS, barge-in) or <c>NO_INTERRUPTION</c>.</summary>
    public string? ActivityHandling { get; set; }

    /// <summary><c>ONLY_ACTIVITY</c>, <c>ALL_INPUT</c> or <c>AUDIO_ACTIVITY_AND_ALL_VIDEO</c>.</summary>
    public string? TurnCoverage { get; set; }

    public bool InputTranscription { get; set; } = true;

    public bool OutputTranscription { get; set; } = true;

    /// <summary>2.5 native audio: the model may stay silent on irrelevant input (always on, and not settable to false, on 3.8).</summary>
    public bool? ProactiveAudio { get; set; }

    /// <summary>2.5 native audio only; an error on 3.x models.</summary>
    public bool? AffectiveDialog { get; set; }

    /// <summary>Harm category → threshold, e.g. <c>HARASSMENT: BLOCK_ONLY_HIGH</c>.</summary>
    public Dictionary<string, string> SafetySettings { get; set; } = [];

    /// <summary>Grounding with Google Search; sources reach the browser as <c>grounding</c> events.</summary>
    public bool GoogleSearch { get; set; }

    public bool UrlContext { get; set; }

    /// <summary>Names of the server-side tools the model may call (see README, "Tools").</summary>
    public List<string> Tools { get; set; } = [];

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Gemini:ToolTimeout must be between 100 ms and 10 minutes.")]
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>BLOCKING</c> or <c>NON_BLOCKING</c> for every declared tool; empty leaves the model's default.</summary>
    public string? ToolBehavior { get; set; }

    /// <summary>For NON_BLOCKING tools: <c>SILENT</c>, <c>WHEN_IDLE</c> or <c>INTERRUPT</c>.</summary>
    public string? ToolResponseScheduling { get; set; }

    /// <summary>Ask for resumption handles so a conversation survives connection limits and failures.</summary>
    public bool SessionResumption { get; set; } = true;

    /// <summary>Sliding-window context compression: without it audio sessions end at 15 minutes.</summary>
    public bool ContextWindowCompression { get; set; } = true;

    /// <summary>Tokens at which compression starts (server default: 80 % of the model's context window).</summary>
    [Range(1000L, 10_000_000L, ErrorMessage = "Gemini:CompressionTriggerTokens must be between 1000 and 10000000.")]
    public long? CompressionTriggerTokens { get; set; }

    /// <summary>Tokens the window is cut back to (server default: half the trigger).</summary>
    [Range(500L, 10_000_000L, ErrorMessage = "Gemini:CompressionTargetTokens must be between 500 and 10000000.")]
    public long? CompressionTargetTokens { get; set; }

    /// <summary>WebSocket ping interval towards Gemini.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Gemini:KeepAliveInterval must be between 0 (off) and 10 minutes.")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a ping may go unanswered before the connection counts as lost: lenient, Gemini's pongs can take 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Gemini:KeepAliveTimeout must be between 0 (none) and 10 minutes.")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>A send to Gemini that takes longer means the upstream stalled: the connection is dropped and resumed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Gemini:SendTimeout must be between 1 second and 10 minutes.")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Voices a browser may pick with <c>?voice=</c>; empty allows none.</summary>
    public List<string> AllowedVoices { get; set; } = [];

    /// <summary>Models a browser may pick with <c>?model=</c>; empty allows none.</summary>
    public List<string> AllowedModels { get; set; } = [];
}
