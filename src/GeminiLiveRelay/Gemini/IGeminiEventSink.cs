namespace GeminiLiveRelay.Gemini;

/// <summary>Receives what a live session reports, in order, from its single reader.</summary>
internal interface IGeminiEventSink
{
    /// <summary>Model audio: PCM16 LE mono 24 kHz. The memory is only valid during the call.</summary>
    ValueTask OnAudioAsync(ReadOnlyMemory<byte> pcm24k, CancellationToken cancellationToken);

    ValueTask OnEventAsync(GeminiEvent geminiEvent, CancellationToken cancellationToken);
}
