namespace GeminiLiveRelay.Relay;

/// <summary>What one session moved, for its end-of-session log line.</summary>
internal struct RelayStats
{
    public long BrowserFrames;
    public long AudioBytesFromBrowser;
    public long AudioBytesToGemini;
    public long AudioBytesToBrowser;
    public long AudioBytesDropped;
    public long ImagesToGemini;
    public long ImagesDropped;
    public long ToolCalls;
    public long PromptTokens;
    public long ResponseTokens;
    public long TotalTokens;
    public Dictionary<string, long>? TokensByModality;
    public TimeSpan Duration;

    /// <summary>Adds one usageMetadata report (each one counts one model response).</summary>
    public void Add(Gemini.Usage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        PromptTokens += usage.PromptTokens;
        ResponseTokens += usage.ResponseTokens;
        TotalTokens += usage.TotalTokens;
        TokensByModality ??= new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (modality, count) in usage.PromptByModality)
        {
            TokensByModality["prompt." + modality] = TokensByModality.GetValueOrDefault("prompt." + modality) + count;
        }

        foreach (var (modality, count) in usage.ResponseByModality)
        {
            TokensByModality["response." + modality] = TokensByModality.GetValueOrDefault("response." + modality) + count;
        }
    }
}
