namespace GeminiLiveRelay.Gemini;

/// <summary>
/// Builds the one <c>setup</c> message a session opens with, from the operator's options and the connection's
/// allowlisted choices. Only configured fields are sent (several are rejected by models that lack them).
/// </summary>
internal static class GeminiSetupBuilder
{
    public static SetupMessage Build(
        GeminiOptions options, LiveSessionRequest? request = null, IReadOnlyList<FunctionDeclaration>? functions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        request ??= LiveSessionRequest.Default;
        var ignored = new List<string>(); // the options were validated at start-up

        var voice = NullIfBlank(request.Voice) ?? NullIfBlank(options.Voice);
        var language = NullIfBlank(request.LanguageCode) ?? NullIfBlank(options.LanguageCode);
        var speech = voice is null && language is null
            ? null
            : new SpeechConfig
            {
                VoiceConfig = voice is null ? null : new VoiceConfig(new PrebuiltVoiceConfig(voice)),
                LanguageCode = language,
            };
        var thinking = options.ThinkingBudget is null && string.IsNullOrWhiteSpace(options.ThinkingLevel) && options.IncludeThoughts is null
            ? null
            : new ThinkingConfig
            {
                ThinkingBudget = options.ThinkingBudget,
                ThinkingLevel = WireEnum.ThinkingLevel.ToWire(options.ThinkingLevel, ignored),
                IncludeThoughts = options.IncludeThoughts,
            };
        var instruction = NullIfBlank(request.SystemInstruction) ?? NullIfBlank(options.ResolvedSystemInstruction ?? options.SystemInstruction);
        var transcripts = request.Transcripts ?? true;

        return new SetupMessage(new Setup
        {
            Model = options.ModelResourceNameFor(request.Model ?? options.Model),
            GenerationConfig = new GenerationConfig
            {
                ResponseModalities = ["AUDIO"],
                Temperature = options.Temperature,
                TopP = options.TopP,
                TopK = options.TopK,
                MaxOutputTokens = options.MaxOutputTokens,
                Seed = options.Seed,
                MediaResolution = WireEnum.MediaResolution.ToWire(options.MediaResolution, ignored),
                SpeechConfig = speech,
                ThinkingConfig = thinking,
                EnableAffectiveDialog = options.AffectiveDialog,
            },
            SystemInstruction = instruction is null ? null : new Content([new Part(instruction)], "user"),
            Tools = BuildTools(options, functions),
            RealtimeInputConfig = BuildRealtimeInput(options, request, ignored),
            // Sent from the first connection on: only then does the service hand out handles to resume with.
            SessionResumption = options.SessionResumption || request.ResumeHandle is not null
                ? new SessionResumptionConfig(request.ResumeHandle) { Transparent = options.IsVertex && options.TransparentResumption ? true : null }
                : null,
            ContextWindowCompression = options.ContextWindowCompression
                ? new ContextWindowCompressionConfig(
                    options.CompressionTriggerTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    new SlidingWindow(options.CompressionTargetTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                : null,
            InputAudioTranscription = options.InputTranscription && transcripts ? EmptyConfig.Instance : null,
            OutputAudioTranscription = options.OutputTranscription && transcripts ? EmptyConfig.Instance : null,
            Proactivity = options.ProactiveAudio is { } proactive ? new Proactivity(proactive) : null,
            SafetySettings = options.SafetySettings.Count == 0
                ? null
                : [.. options.SafetySettings.Select(s => new SafetySetting(
                    WireEnum.HarmCategory.ToWire(s.Key, ignored) ?? s.Key,
                    WireEnum.HarmThreshold.ToWire(s.Value, ignored) ?? s.Value))],
        });
    }

    /// <summary>The Developer API's form, <c>models/{id}</c>; see <see cref="GeminiOptions.ModelResourceNameFor"/> for Vertex.</summary>
    public static string ModelResourceName(string model) =>
        model.Contains('/', StringComparison.Ordinal) ? model : "models/" + model;

    private static List<ToolDeclaration>? BuildTools(GeminiOptions options, IReadOnlyList<FunctionDeclaration>? functions)
    {
        var tools = new List<ToolDeclaration>();
        if (functions is { Count: > 0 })
        {
            tools.Add(new ToolDeclaration { FunctionDeclarations = functions });
        }

        if (options.GoogleSearch)
        {
            tools.Add(new ToolDeclaration { GoogleSearch = EmptyConfig.Instance });
        }

        if (options.UrlContext)
        {
            tools.Add(new ToolDeclaration { UrlContext = EmptyConfig.Instance });
        }

        return tools.Count == 0 ? null : tools;
    }

    private static RealtimeInputConfig? BuildRealtimeInput(GeminiOptions options, LiveSessionRequest request, List<string> ignored)
    {
        bool? disabled = request.ManualActivity switch
        {
            true => true,
            false => options.AutomaticActivityDetection == false ? false : (bool?)null,
            null => options.AutomaticActivityDetection is { } on ? !on : (bool?)null,
        };
        var start = WireEnum.StartSensitivity.ToWire(options.StartSensitivity, ignored);
        var end = WireEnum.EndSensitivity.ToWire(options.EndSensitivity, ignored);
        var detection = disabled is null && start is null && end is null && options.PrefixPaddingMs is null && options.SilenceDurationMs is null
            ? null
            : new AutomaticActivityDetection
            {
                Disabled = disabled,
                StartOfSpeechSensitivity = start,
                EndOfSpeechSensitivity = end,
                PrefixPaddingMs = options.PrefixPaddingMs,
                SilenceDurationMs = options.SilenceDurationMs,
            };
        var handling = WireEnum.ActivityHandling.ToWire(options.ActivityHandling, ignored);
        var coverage = WireEnum.TurnCoverage.ToWire(options.TurnCoverage, ignored);
        return detection is null && handling is null && coverage is null
            ? null
            : new RealtimeInputConfig { AutomaticActivityDetection = detection, ActivityHandling = handling, TurnCoverage = coverage };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
