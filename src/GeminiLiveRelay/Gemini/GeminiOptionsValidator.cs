using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Gemini;

/// <summary>
/// Resolves <see cref="GeminiOptions.EffectiveBackend"/> and checks what data annotations cannot: every problem is
/// reported at start-up, each naming its configuration key and how to fix it.
/// </summary>
internal sealed class GeminiOptionsValidator(IHostEnvironment environment, Tools.ToolCatalog tools) : IPostConfigureOptions<GeminiOptions>, IValidateOptions<GeminiOptions>
{
    public const string MissingKeyMessage =
        "No Gemini API key: set GEMINI_API_KEY (or Gemini__ApiKey), or set Gemini:Backend=echo for the offline demo.";

    public void PostConfigure(string? name, GeminiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // An empty Gemini:BaseUrl binds as an empty relative URI: it means "the platform's own host".
        if (options.BaseUrl is { OriginalString.Length: 0 })
        {
            options.BaseUrl = null;
        }

        // Vertex AI can answer without a key: the project's credentials come from ADC (checked at start-up).
        var hasCredentials = !string.IsNullOrWhiteSpace(options.ApiKey) || options.IsVertex;
        options.EffectiveBackend = options.Backend?.Trim().ToLowerInvariant() switch
        {
            "gemini" => GeminiBackend.Gemini,
            "echo" => GeminiBackend.Echo,
            null or "" when hasCredentials => GeminiBackend.Gemini,
            null or "" when environment.IsDevelopment() => GeminiBackend.Echo,
            _ => null,
        };

        options.ResolvedSystemInstruction = options.SystemInstruction;
        if (!string.IsNullOrWhiteSpace(options.SystemInstructionFile))
        {
            var path = Path.IsPathRooted(options.SystemInstructionFile)
                ? options.SystemInstructionFile
                : Path.Combine(environment.ContentRootPath, options.SystemInstructionFile);
            options.ResolvedSystemInstruction = File.Exists(path) ? File.ReadAllText(path) : null;
        }
    }

    public ValidateOptionsResult Validate(string? name, GeminiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var backend = options.Backend?.Trim().ToLowerInvariant();
        if (backend is not (null or "" or "gemini" or "echo"))
        {
            errors.Add($"Gemini:Backend must be 'gemini' or 'echo' (or empty to choose automatically); got '{options.Backend}'.");
        }
        else if (options.EffectiveBackend is null ||
                 (options.EffectiveBackend == GeminiBackend.Gemini && !options.IsVertex && string.IsNullOrWhiteSpace(options.ApiKey)))
        {
            errors.Add(MissingKeyMessage);
        }

        Vertex.VertexOptionsRules.Validate(options, errors);

        if (options.BaseUrl is { } baseUrl &&
            (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"Gemini:BaseUrl must be an absolute http:// or https:// URL; got '{baseUrl}'.");
        }

        if (options.Model.Any(char.IsWhiteSpace))
        {
            errors.Add($"Gemini:Model must be a model id such as '{GeminiOptions.DefaultModel}'; got '{options.Model}'.");
        }

        ValidateSession(options, errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateSession(GeminiOptions options, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(options.SystemInstructionFile) && options.ResolvedSystemInstruction is null)
        {
            errors.Add($"Gemini:SystemInstructionFile '{options.SystemInstructionFile}' was not found (relative paths start at {environment.ContentRootPath}).");
        }

        if (!string.IsNullOrWhiteSpace(options.Voice) && !PrebuiltVoices.All.Contains(options.Voice.Trim()))
        {
            errors.Add($"Gemini:Voice '{options.Voice}' is not a prebuilt voice; use one of {string.Join(", ", PrebuiltVoices.All)} (case-sensitive).");
        }

        foreach (var voice in options.AllowedVoices.Where(v => !PrebuiltVoices.All.Contains(v)))
        {
            errors.Add($"Gemini:AllowedVoices holds '{voice}', which is not a prebuilt voice (names are case-sensitive, e.g. Kore).");
        }

        foreach (var model in options.AllowedModels.Where(m => string.IsNullOrWhiteSpace(m) || m.Any(char.IsWhiteSpace)))
        {
            errors.Add($"Gemini:AllowedModels holds '{model}', which is not a model id.");
        }

        if (options.ThinkingBudget is not null && !string.IsNullOrWhiteSpace(options.ThinkingLevel))
        {
            errors.Add("Set Gemini:ThinkingBudget (2.5 models) or Gemini:ThinkingLevel (3.x models), not both.");
        }

        foreach (var wireEnum in new (WireEnum Enum, string? Value)[]
        {
            (WireEnum.MediaResolution, options.MediaResolution),
            (WireEnum.ThinkingLevel, options.ThinkingLevel),
            (WireEnum.StartSensitivity, options.StartSensitivity),
            (WireEnum.EndSensitivity, options.EndSensitivity),
            (WireEnum.ActivityHandling, options.ActivityHandling),
            (WireEnum.TurnCoverage, options.TurnCoverage),
            (WireEnum.ToolBehavior, options.ToolBehavior),
            (WireEnum.ToolResponseScheduling, options.ToolResponseScheduling),
        })
        {
            wireEnum.Enum.ToWire(wireEnum.Value, errors);
        }

        foreach (var (category, threshold) in options.SafetySettings)
        {
            WireEnum.HarmCategory.ToWire(category, errors);
            WireEnum.HarmThreshold.ToWire(threshold, errors);
        }

        tools.Resolve(options.Tools, out var unknownTools);
        if (unknownTools.Count > 0)
        {
            errors.Add($"Gemini:Tools names unknown tools: {string.Join(", ", unknownTools)}. Built in: get_current_time, calculate.");
        }
    }
}
