namespace GeminiLiveRelay.Relay;

/// <summary>
/// One frame queued for the browser: model audio (a rented buffer, tagged with the turn generation it belongs to,
/// so audio of an interrupted turn can be dropped) or a JSON event; or a wake-up that only makes the sender look at
/// its cancellation token.
/// </summary>
internal readonly record struct DownstreamItem(byte[] Buffer, int Length, bool IsAudio, bool IsRented, long Generation)
{
    public static readonly DownstreamItem Wake = new([], 0, false, false, 0);

    public bool IsWake => Buffer.Length == 0;

    public static DownstreamItem ForAudio(byte[] rented, int length, long generation) => new(rented, length, true, true, generation);

    public static DownstreamItem ForEvent(byte[] json) => new(json, json.Length, false, false, 0);

    public void Release()
    {
        if (IsRented)
        {
            FrameBuffers.Pool.Return(Buffer);
        }
    }
}
