using System.Net.WebSockets;
using System.Threading.Tasks.Sources;

namespace GeminiLiveRelay.Benchmarks;

// A WebSocket for benchmarks that allocates nothing itself: sends complete at once; a receive stays pending until
// the benchmark delivers a message, and then completes on the benchmark's thread (as a socket read completes on an
// I/O thread), so the reader's await really yields, as it does on a network socket.
internal sealed class ScriptedWebSocket : WebSocket, IValueTaskSource<ValueWebSocketReceiveResult>
{
    private ManualResetValueTaskSourceCore<ValueWebSocketReceiveResult> _receive;
    private Memory<byte> _buffer;
    private WebSocketState _state = WebSocketState.Open;

    public override WebSocketCloseStatus? CloseStatus => _state == WebSocketState.Open ? null : WebSocketCloseStatus.NormalClosure;

    public override string? CloseStatusDescription => null;

    public override WebSocketState State => _state;

    public override string? SubProtocol => null;

    public void Deliver(ReadOnlySpan<byte> message)
    {
        message.CopyTo(_buffer.Span);
        _receive.SetResult(new ValueWebSocketReceiveResult(message.Length, WebSocketMessageType.Binary, true));
    }

    public void DeliverClose()
    {
        _state = WebSocketState.CloseReceived;
        _receive.SetResult(new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, true));
    }

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        _buffer = buffer;
        _receive.Reset();
        return new ValueTask<ValueWebSocketReceiveResult>(this, _receive.Version);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) => default;

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public override void Abort() => _state = WebSocketState.Aborted;

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _state = WebSocketState.Closed;
        return Task.CompletedTask;
    }

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _state = WebSocketState.CloseSent;
        return Task.CompletedTask;
    }

    public override void Dispose() => _state = WebSocketState.Closed;

    ValueWebSocketReceiveResult IValueTaskSource<ValueWebSocketReceiveResult>.GetResult(short token) => _receive.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ValueWebSocketReceiveResult>.GetStatus(short token) => _receive.GetStatus(token);

    void IValueTaskSource<ValueWebSocketReceiveResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _receive.OnCompleted(continuation, state, token, flags);
}
