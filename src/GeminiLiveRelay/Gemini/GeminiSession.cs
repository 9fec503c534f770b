using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace GeminiLiveRelay.Gemini;

/// <summary>
/// A Gemini Live session over its WebSocket, after <c>setupComplete</c>. Client messages go out as compact JSON
/// text frames (as every official SDK sends them); server messages are parsed and reported to the sink.
/// </summary>
internal sealed partial class GeminiSession : IGeminiSession
{
    private readonly GeminiSocket socket;
    private readonly string model;
    private readonly ILogger logger;
    private readonly TimeSpan _sendTimeout;
    private readonly IDisposable _watchdog;
    private long _sendStarted;

    /// <param name="sendTimeout">A send that takes longer means the upstream stalled: the socket is aborted, which the
    /// reader reports as a dropped connection (and the relay reconnects).</param>
    /// <param name="clock">Runs the stall watchdog (the relay's one clock, not a timer per session).</param>
    public GeminiSession(GeminiSocket socket, string model, ILogger logger, TimeSpan sendTimeout, Relay.SessionClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        this.socket = socket;
        this.model = model;
        this.logger = logger;
        _sendTimeout = sendTimeout;
        _watchdog = clock.Add(CheckStall);
    }

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    // ClientWebSocket allows one outstanding send; the relay has one writer, the lock also covers close.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly GeminiMessageWriter _writer = new();
    private readonly GeminiServerMessage _message = new();
    private readonly TaskCompletionSource _readerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;
    private int _readerStarted;

    public string Backend => "gemini";

    public string Model => model;

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken) =>
        SendAsync(static (writer, state) => writer.Audio(state.Span), pcm16k, cancellationToken);

    public ValueTask SendTextAsync(string text, CancellationToken cancellationToken) =>
        SendAsync(static (writer, state) => writer.Text(state), text, cancellationToken);

    public ValueTask SendSignalAsync(ClientSignal signal, CancellationToken cancellationToken) =>
        SendAsync(static (writer, state) => writer.Signal(state), signal, cancellationToken);

    public ValueTask SendImageAsync(string mimeType, string base64, CancellationToken cancellationToken) =>
        SendAsync(static (writer, state) => writer.Video(state.mimeType, state.base64), (mimeType, base64), cancellationToken);

    public ValueTask SendToolResponseAsync(IReadOnlyList<Tools.ToolResponse> responses, CancellationToken cancellationToken) =>
        SendAsync(static (writer, state) => writer.ToolResponse(state), responses, cancellationToken);

    public async Task<UpstreamClose> RunAsync(IGeminiEventSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Volatile.Write(ref _readerStarted, 1);
        try
        {
            return await ReadUntilClosedAsync(sink, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _readerExited.TrySetResult();
        }
    }

    private async Task<UpstreamClose> ReadUntilClosedAsync(IGeminiEventSink sink, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (json, close) = await socket.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (close is not null)
            {
                return close;
            }

            try
            {
                GeminiServerMessageParser.Parse(json.Span, _message);
            }
            catch (JsonException ex)
            {
                // One unreadable message must not end the conversation; it is logged, not silently dropped.
                Log.UnreadableMessage(logger, json.Length, ex.Message);
                continue;
            }

            await DispatchAsync(sink, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Close at once so no zombie session keeps counting against the project's quota.
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            if (socket.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client left", timeout.Token).ConfigureAwait(false);
            }

            // The reader receives Gemini's close reply; only then is the socket released (bounded).
            if (Volatile.Read(ref _readerStarted) == 1)
            {
                await _readerExited.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            Log.CloseFailed(logger, ex.Message);
        }
        finally
        {
            _watchdog.Dispose();
            socket.Dispose();
            _writer.Dispose();
        }
    }

    // Pooled: the lock wait or the socket send sometimes waits, and each wait would box a state machine per message.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync<T>(Func<GeminiMessageWriter, T, ReadOnlyMemory<byte>> encode, T state, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var payload = encode(_writer, state);
            Volatile.Write(ref _sendStarted, Stopwatch.GetTimestamp());
            await socket.Socket.SendAsync(payload, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _sendStarted, 0);
            _sendLock.Release();
        }
    }

    // Fixed order within one message: user transcript, the model's parts, its transcript, then the turn flags,
    // so audio that rides along with `interrupted` belongs to the interrupted turn and is dropped with it.
    private async ValueTask DispatchAsync(IGeminiEventSink sink, CancellationToken cancellationToken)
    {
        var message = _message;
        if (message.InputTranscript is { Length: > 0 } input)
        {
            await sink.OnEventAsync(new InputTranscript(input), cancellationToken).ConfigureAwait(false);
        }

        foreach (var part in message.Parts)
        {
            if (part.Text is { } text)
            {
                await sink.OnEventAsync(new ModelText(text), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await sink.OnAudioAsync(message.Audio.Slice(part.AudioStart, part.AudioLength), cancellationToken).ConfigureAwait(false);
            }
        }

        if (message.OutputTranscript is { Length: > 0 } output)
        {
            await sink.OnEventAsync(new OutputTranscript(output), cancellationToken).ConfigureAwait(false);
        }

        if (message.GenerationComplete)
        {
            await sink.OnEventAsync(GenerationComplete.Instance, cancellationToken).ConfigureAwait(false);
        }

        if (message.Interrupted)
        {
            await sink.OnEventAsync(Interrupted.Instance, cancellationToken).ConfigureAwait(false);
        }

        if (message.TurnComplete)
        {
            await sink.OnEventAsync(TurnComplete.Instance, cancellationToken).ConfigureAwait(false);
        }

        if (message.Grounding is { Sources.Count: > 0 } grounding)
        {
            await sink.OnEventAsync(grounding, cancellationToken).ConfigureAwait(false);
        }

        if (message.ToolCall is { Calls.Count: > 0 } toolCall)
        {
            await sink.OnEventAsync(toolCall, cancellationToken).ConfigureAwait(false);
        }

        if (message.ToolCallCancellation is { Ids.Count: > 0 } cancellation)
        {
            await sink.OnEventAsync(cancellation, cancellationToken).ConfigureAwait(false);
        }

        if (message.Usage is { } usage)
        {
            await sink.OnEventAsync(usage, cancellationToken).ConfigureAwait(false);
        }

        if (message.Resumption is { } resumption)
        {
            await sink.OnEventAsync(resumption, cancellationToken).ConfigureAwait(false);
        }

        if (message.GoAway is { } goAway)
        {
            Log.GoAwayReceived(logger, goAway.TimeLeft);
            await sink.OnEventAsync(goAway, cancellationToken).ConfigureAwait(false);
        }
    }

    private void CheckStall()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return; // the clock may tick once more while the session closes (an Abort then would be a no-op anyway)
        }

        var started = Volatile.Read(ref _sendStarted);
        if (started != 0 && Stopwatch.GetElapsedTime(started) > _sendTimeout)
        {
            Log.Stalled(logger, _sendTimeout.TotalSeconds);
            socket.Socket.Abort();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1104, LogLevel.Warning, "Gemini stopped taking data (a send took over {TimeoutSeconds} s): aborting the connection", EventName = "GeminiStalled")]
        public static partial void Stalled(ILogger logger, double timeoutSeconds);

        [LoggerMessage(1101, LogLevel.Warning, "Skipped an unreadable Gemini message of {Length} bytes: {Error}", EventName = "GeminiUnreadableMessage")]
        public static partial void UnreadableMessage(ILogger logger, int length, string error);

        [LoggerMessage(1102, LogLevel.Debug, "Closing the Gemini socket failed: {Error}", EventName = "GeminiCloseFailed")]
        public static partial void CloseFailed(ILogger logger, string error);

        [LoggerMessage(1103, LogLevel.Information, "Gemini sent goAway; time left {TimeLeft}", EventName = "GeminiGoAway")]
        public static partial void GoAwayReceived(ILogger logger, TimeSpan? timeLeft);
    }
}
