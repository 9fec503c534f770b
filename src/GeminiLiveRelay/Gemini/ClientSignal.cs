namespace GeminiLiveRelay.Gemini;

/// <summary>The <c>realtimeInput</c> control markers a client can send.</summary>
internal enum ClientSignal
{
    ActivityStart,
    ActivityEnd,
    AudioStreamEnd,
}
