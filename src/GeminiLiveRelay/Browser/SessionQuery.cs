using System.Text.RegularExpressions;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Relay;

namespace GeminiLiveRelay.Browser;

/// <summary>
/// The per-connection choices on <c>/live</c>, each allowed only as far as the operator allows it: <c>voice</c>
/// (in <c>Gemini:AllowedVoices</c>), <c>language</c>, <c>vad=auto|manual</c>, <c>transcripts=on|off</c>, <c>model</c>
/// (in <c>Gemini:AllowedModels</c>), <c>systemInstruction</c> (only with <c>Relay:AllowClientSystemInstruction</c>).
/// </summary>
internal static partial class SessionQuery
{
    public const int MaxSystemInstructionLength = 10_000;

    public static string? Parse(IQueryCollection query, GeminiOptions gemini, RelayOptions relay, out LiveSessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(gemini);
        ArgumentNullException.ThrowIfNull(relay);
        request = LiveSessionRequest.Default;
        foreach (var name in (string[])["voice", "language", "vad", "transcripts", "model", "systemInstruction"])
        {
            if (query.TryGetValue(name, out var values) && values.Count > 1)
            {
                return $"{name} may be given only once.";
            }
        }

        var voice = Value(query, "voice");
        if (voice is not null && !gemini.AllowedVoices.Contains(voice, StringComparer.Ordinal))
        {
            return gemini.AllowedVoices.Count == 0
                ? "voice cannot be chosen here: the operator allows no voice choice (Gemini:AllowedVoices is empty)."
                : $"voice '{voice}' is not allowed; choose one of {string.Join(", ", gemini.AllowedVoices)}.";
        }

        var language = Value(query, "language");
        if (language is not null && !LanguageCode().IsMatch(language))
        {
            return $"language must be a BCP-47 code such as en-US; got '{language}'.";
        }

        var vad = Value(query, "vad");
        if (vad is not (null or "auto" or "manual"))
        {
            return $"vad must be 'auto' or 'manual'; got '{vad}'.";
        }

        var transcripts = Value(query, "transcripts");
        if (transcripts is not (null or "on" or "off"))
        {
            return $"transcripts must be 'on' or 'off'; got '{transcripts}'.";
        }

        var model = Value(query, "model");
        if (model is not null && !gemini.AllowedModels.Contains(model, StringComparer.Ordinal))
        {
            return gemini.AllowedModels.Count == 0
                ? "model cannot be chosen here: the operator allows no model choice (Gemini:AllowedModels is empty)."
                : $"model '{model}' is not allowed; choose one of {string.Join(", ", gemini.AllowedModels)}.";
        }

        var instruction = Value(query, "systemInstruction");
        if (instruction is not null)
        {
            if (!relay.AllowClientSystemInstruction)
            {
                return "systemInstruction cannot be set by the browser here (Relay:AllowClientSystemInstruction is off).";
            }

            if (instruction.Length > MaxSystemInstructionLength)
            {
                return $"systemInstruction may be at most {MaxSystemInstructionLength} characters.";
            }
        }

        request = new LiveSessionRequest
        {
            Voice = voice,
            LanguageCode = language,
            ManualActivity = vad is null ? null : vad == "manual",
            Transcripts = transcripts is null ? null : transcripts == "on",
            Model = model,
            SystemInstruction = instruction,
        };
        return null;
    }

    private static string? Value(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    [GeneratedRegex("^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
    private static partial Regex LanguageCode();
}
