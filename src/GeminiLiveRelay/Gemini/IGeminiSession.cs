namespace GeminiLiveRelay.Gemini;

/// <summary>
/// A live model session that has completed its setup: the one seam between the relay and what answers it
/// (Google's Gemini Live over a WebSocket, or the offline echo backend). Sends are issued by one writer at a time.
/// </summary>
internal interface IGeminiSession : IAsyncDisposable
{
    /// <summary><c>gemini</c> or <c>echo</c>, as reported to the browser.</summary>
    string Backend { get; }

    /// <summary>The model id the session runs.</summary>
    string Model { get; }

    /// <summary>Sends PCM16 LE mono 16 kHz audio (20–100 ms per call).</summary>
    ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken);

    /// <summary>Sends a typed user turn.</summary>
    ValueTask SendTextAsync(string text, CancellationToken cancellationToken);

    ValueTask SendSignalAsync(ClientSignal signal, CancellationToken cancellationToken);

    /// <summary>Sends one camera or screen frame (<c>realtimeInput.video</c>); <paramref name="base64"/> is already validated.</summary>
    ValueTask SendImageAsync(string mimeType, string base64, CancellationToken cancellationToken);

    /// <summary>Answers function calls (<c>toolResponse</c>).</summary>
    ValueTask SendToolResponseAsync(IReadOnlyList<Tools.ToolResponse> responses, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the session until it ends, reporting everything to <paramref name="sink"/>; returns how it ended.
    /// Returns (does not throw) when the upstream closes or drops; throws only on cancellation.
    /// </summary>
    Task<UpstreamClose> RunAsync(IGeminiEventSink sink, CancellationToken cancellationToken);
}
