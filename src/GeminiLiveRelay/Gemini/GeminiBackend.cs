namespace GeminiLiveRelay.Gemini;

/// <summary>What answers a browser session.</summary>
internal enum GeminiBackend
{
    /// <summary>Google's Gemini Live service (or whatever <c>Gemini:BaseUrl</c> points at).</summary>
    Gemini,

    /// <summary>The in-process offline stand-in: replays each utterance back. Not the test mock.</summary>
    Echo,
}
