using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// One thing queued for Gemini, in the order the browser sent it: audio (a rented buffer), a typed turn, a control
/// signal or an image; or a wake-up that only makes the writer look at its tool responses.
/// </summary>
internal readonly record struct UpstreamItem(
    byte[]? Audio, int Length, string? Text, ClientSignal? Signal, string? ImageMimeType = null, bool IsWake = false)
{
    public static readonly UpstreamItem Wake = new(null, 0, null, null, null, true);

    public static UpstreamItem ForAudio(byte[] rented, int length) => new(rented, length, null, null);

    public static UpstreamItem ForText(string text) => new(null, 0, text, null);

    public static UpstreamItem ForSignal(ClientSignal signal) => new(null, 0, null, signal);

    public static UpstreamItem ForImage(string mimeType, string base64) => new(null, 0, base64, null, mimeType);

    public void Release()
    {
        if (Audio is not null)
        {
            FrameBuffers.Pool.Return(Audio);
        }
    }
}
