using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace GeminiLiveRelay.Gemini;

/// <summary>
/// Message framing over the upstream <see cref="WebSocket"/>: the service sends UTF-8 JSON in binary (or text)
/// frames and may split one message over several frames, so bytes are accumulated to end-of-message before
/// anything is decoded (decoding per frame would split multi-byte characters).
/// </summary>
internal sealed class GeminiSocket(WebSocket socket) : IDisposable
{
    // Setup echoes and grounding metadata can be large; anything beyond this is not a sane Live message.
    private const int MaxMessageBytes = 16 * 1024 * 1024;

    // Starts at 4 KB (a 40 ms model audio chunk is ~2.7 KB of JSON) and doubles to fit the largest message seen, so it
    // settles at what the service actually sends; the buffer is held for the connection's life, one per session.
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4 * 1024);
    private int _receiving;

    public WebSocket Socket => socket;

    /// <summary>Reads one whole message; returns null with <paramref name="close"/> set when the peer closed or dropped.</summary>
    /// <remarks>
    /// A network receive nearly always waits, and an <c>async ValueTask</c> method boxes its state machine every time
    /// it waits: the pooling builder reuses those boxes, so the per-message path allocates nothing.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(ReadOnlyMemory<byte> Message, UpstreamClose? Close)> ReceiveAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _receiving, 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == _buffer.Length)
                {
                    if (length >= MaxMessageBytes)
                    {
                        return (default, new UpstreamClose(1009, "upstream message exceeds 16 MiB"));
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(length * 2);
                    _buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = bigger;
                }

                ValueWebSocketReceiveResult result;
                try
                {
                    result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // An aborted socket (stall watchdog, keep-alive timeout) fails a pending receive this way.
                    return (default, UpstreamClose.Dropped("connection aborted (stall or keep-alive timeout)"));
                }
                catch (WebSocketException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    return (default, UpstreamClose.Dropped(ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely
                        ? "connection closed without a close frame"
                        : "connection lost: " + ex.WebSocketErrorCode));
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (default, new UpstreamClose(
                        (int?)socket.CloseStatus ?? 1005,
                        socket.CloseStatusDescription ?? string.Empty));
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    return (_buffer.AsMemory(0, length), null);
                }
            }
        }
        finally
        {
            Interlocked.Exchange(ref _receiving, 0);
        }
    }

    public void Dispose()
    {
        socket.Dispose();
        var buffer = Interlocked.Exchange(ref _buffer, []);
        // A receive may still be writing into the buffer (a disposal that timed out waiting for the reader): then it
        // is left to the GC rather than handed to another session through the pool.
        if (buffer.Length > 0 && Volatile.Read(ref _receiving) == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
