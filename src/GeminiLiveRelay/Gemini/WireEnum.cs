namespace GeminiLiveRelay.Gemini;

/// <summary>
/// The Live API's enum settings: configuration accepts the wire name (<c>START_SENSITIVITY_LOW</c>) or its short
/// form (<c>low</c>, any case); the setup always carries the upper-case wire name.
/// </summary>
internal sealed class WireEnum(string key, string prefix, params string[] shortNames)
{
    public static readonly WireEnum MediaResolution = new("Gemini:MediaResolution", "MEDIA_RESOLUTION_", "LOW", "MEDIUM", "HIGH");
    public static readonly WireEnum ThinkingLevel = new("Gemini:ThinkingLevel", string.Empty, "MINIMAL", "LOW", "MEDIUM", "HIGH");
    public static readonly WireEnum StartSensitivity = new("Gemini:StartSensitivity", "START_SENSITIVITY_", "HIGH", "LOW");
    public static readonly WireEnum EndSensitivity = new("Gemini:EndSensitivity", "END_SENSITIVITY_", "HIGH", "LOW");
    public static readonly WireEnum ActivityHandling = new("Gemini:ActivityHandling", string.Empty, "START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION");
    public static readonly WireEnum TurnCoverage = new("Gemini:TurnCoverage", "TURN_INCLUDES_", "ONLY_ACTIVITY", "ALL_INPUT", "AUDIO_ACTIVITY_AND_ALL_VIDEO");
    public static readonly WireEnum ToolBehavior = new("Gemini:ToolBehavior", string.Empty, "BLOCKING", "NON_BLOCKING");
    public static readonly WireEnum ToolResponseScheduling = new("Gemini:ToolResponseScheduling", string.Empty, "SILENT", "WHEN_IDLE", "INTERRUPT");

    public static readonly WireEnum HarmCategory = new("Gemini:SafetySettings (category)", "HARM_CATEGORY_",
        "HARASSMENT", "HATE_SPEECH", "SEXUALLY_EXPLICIT", "DANGEROUS_CONTENT", "CIVIC_INTEGRITY");

    public static readonly WireEnum HarmThreshold = new("Gemini:SafetySettings (threshold)", string.Empty,
        "BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE", "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF");

    /// <summary>"interrupt" is the documented short form of START_OF_ACTIVITY_INTERRUPTS.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["INTERRUPT"] = "START_OF_ACTIVITY_INTERRUPTS",
    };

    public string Key => key;

    /// <summary>The wire value of <paramref name="value"/>, or null (with an error naming the key) when it is not one.</summary>
    public string? ToWire(string? value, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var upper = value.Trim().ToUpperInvariant().Replace('-', '_');
        if (Aliases.TryGetValue(upper, out var alias) && shortNames.Contains(alias))
        {
            return prefix + alias;
        }

        var shortName = prefix.Length > 0 && upper.StartsWith(prefix, StringComparison.Ordinal) ? upper[prefix.Length..] : upper;
        if (shortNames.Contains(shortName))
        {
            return prefix + shortName;
        }

        errors.Add($"{key} must be one of {string.Join(", ", shortNames.Select(n => prefix + n))} (or the part after {(prefix.Length > 0 ? prefix : "the prefix")}); got '{value}'.");
        return null;
    }
}
