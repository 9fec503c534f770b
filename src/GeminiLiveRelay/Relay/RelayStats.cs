namespace GeminiLiveRelay.Relay;

/// <summary>What one session moved, for its end-of-session log line.</summary>
internal struct RelayStats
{
    public long BrowserFrames;
    public long AudioBytesFromBrowser;
    public long AudioBytesToGemini;
    public long AudioBytesToBrowser;
    public long AudioBytesDropped;
    public TimeSpan Duration;
}
