using System.Buffers;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Relay;

/// <summary>One thing queued for Gemini, in the order the browser sent it. Audio is a rented buffer.</summary>
internal readonly record struct UpstreamItem(byte[]? Audio, int Length, string? Text, ClientSignal? Signal)
{
    public static UpstreamItem ForAudio(byte[] rented, int length) => new(rented, length, null, null);

    public static UpstreamItem ForText(string text) => new(null, 0, text, null);

    public static UpstreamItem ForSignal(ClientSignal signal) => new(null, 0, null, signal);

    public void Release()
    {
        if (Audio is not null)
        {
            ArrayPool<byte>.Shared.Return(Audio);
        }
    }
}
