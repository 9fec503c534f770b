using GeminiLiveRelay.Audio;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Converts browser frames to PCM16 16 kHz mono and cuts the result into 20–100 ms chunks for
/// <c>realtimeInput.audio</c>, whatever frame size the browser uses: tiny frames are gathered (fewer, larger JSON
/// messages), big ones are split. Less than 20 ms is held until more audio or a flush (a control message) arrives.
/// </summary>
internal sealed class UpstreamAudioChunker
{
    public const int MinChunkBytes = 16000 * 2 / 50;  // 20 ms
    public const int MaxChunkBytes = 16000 * 2 / 10;  // 100 ms

    private readonly InputAudioConverter _converter;
    private byte[] _pending = new byte[MaxChunkBytes];
    private int _pendingLength;

    public UpstreamAudioChunker(InputAudioConverter converter)
    {
        _converter = converter;
    }

    public int BytesPerSampleFrame => _converter.BytesPerSampleFrame;

    /// <summary>A whole 100 ms chunk is pending: it should go now, not wait to gather more.</summary>
    public bool HasFullChunk => _pendingLength >= MaxChunkBytes;

    /// <summary>Converts one browser frame (a whole number of sample frames) into the pending buffer.</summary>
    public void Append(ReadOnlySpan<byte> frame)
    {
        // Sized for the frames a session actually sends (one 100 ms chunk covers 20–40 ms frames and the < 20 ms held
        // back); a client that sends bigger frames grows it once, up to Relay:MaxMessageBytes' worth.
        var needed = _pendingLength + _converter.MaxOutputBytes(frame.Length);
        if (needed > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(needed, _pending.Length * 2));
        }

        _pendingLength += _converter.Convert(frame, _pending.AsSpan(_pendingLength));
    }

    /// <summary>Takes the next chunk to send, in a rented buffer; with <paramref name="flush"/> also a short tail.</summary>
    public bool TryTake(bool flush, out byte[] rented, out int length)
    {
        if (_pendingLength == 0 || (_pendingLength < MinChunkBytes && !flush))
        {
            rented = [];
            length = 0;
            return false;
        }

        length = Math.Min(_pendingLength, MaxChunkBytes);
        rented = FrameBuffers.Pool.Rent(length);
        _pending.AsSpan(0, length).CopyTo(rented);
        _pending.AsSpan(length, _pendingLength - length).CopyTo(_pending);
        _pendingLength -= length;
        return true;
    }
}
