namespace GeminiLiveRelay.Observability;

/// <summary>Why the relay dropped something a peer sent (the <c>kind</c> tag of <c>gemini_live_relay.frames.dropped</c>).</summary>
internal enum DroppedFrame
{
    /// <summary>A camera/screen frame over <c>Relay:MaxImagesPerSecond</c>.</summary>
    ImageRateLimit,

    /// <summary>A browser message over <c>Relay:MaxMessageBytes</c> (the session ends with 1009).</summary>
    MessageTooBig,

    /// <summary>A binary frame that is not a whole number of samples.</summary>
    BadAudioFrame,

    /// <summary>A text frame the relay refused (malformed, or a command Gemini would reject).</summary>
    BadMessage,

    /// <summary>An event for the browser that did not fit its bounded queue.</summary>
    BrowserQueueFull,

    /// <summary>Model audio of an interrupted turn, skipped instead of played.</summary>
    InterruptedAudio,

    /// <summary>Model audio beyond <c>Relay:MaxBrowserBacklog</c> for a browser that does not read (the session ends).</summary>
    BrowserBacklog,

    /// <summary>Browser audio faster than <c>Relay:MaxAudioRealtimeFactor</c> allows.</summary>
    AudioTooFast,
}
