namespace GeminiLiveRelay.Gemini;

/// <summary>Builds the one <c>setup</c> message a session opens with, from the operator's options.</summary>
internal static class GeminiSetupBuilder
{
    public static SetupMessage Build(GeminiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var voice = string.IsNullOrWhiteSpace(options.Voice)
            ? null
            : new SpeechConfig(new VoiceConfig(new PrebuiltVoiceConfig(options.Voice.Trim())));
        var instruction = string.IsNullOrWhiteSpace(options.SystemInstruction)
            ? null
            : new Content([new Part(options.SystemInstruction)], "user");

        return new SetupMessage(new Setup
        {
            Model = options.ModelResourceName,
            GenerationConfig = new GenerationConfig { ResponseModalities = ["AUDIO"], SpeechConfig = voice },
            SystemInstruction = instruction,
            InputAudioTranscription = EmptyConfig.Instance,
            OutputAudioTranscription = EmptyConfig.Instance,
        });
    }
}
