using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// One simulated browser: a <see cref="ClientWebSocket"/> to <c>/live</c>, streaming marked audio frames in real time
/// once <c>ready</c> arrives (sent by <see cref="FramePacer"/>), reading model audio and events. The mock side of the
/// same session records what reached "Gemini" here too, so loss and latency are counted per session.
/// </summary>
internal sealed class LoadSession : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _frame;
    private readonly long[] _sendTimestamps = new long[UpstreamCode.SequenceModulus];
    private readonly long _frameTicks;
    private readonly LoadMetrics _metrics;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _pendingSend;
    private long _nextDue;
    private volatile bool _streaming;
    private int _upLast = -1;
    private long _downLast = -1;

    public LoadSession(int index, int sampleRate, bool float32, int frameMs, LoadMetrics metrics)
    {
        Index = index;
        SampleRate = sampleRate;
        Float32 = float32;
        FrameSamples = sampleRate * frameMs / 1000;
        _frame = new byte[FrameSamples * (float32 ? 4 : 2)];
        _frameTicks = Stopwatch.Frequency * frameMs / 1000;
        _metrics = metrics;
    }

    public int Index { get; }

    public int SampleRate { get; }

    public bool Float32 { get; }

    public int FrameSamples { get; }

    // Client side.
    public long FramesSent { get; private set; }

    public long DownChunksReceived;
    public long DownLost;
    public long DownReordered;
    public long DownForeign;
    public long TextEvents;
    public long TurnsCompleted;
    public long ErrorEvents;
    public string? FirstError;
    public bool Failed;

    // Mock side (written by the mock's reader and script for this session's connection).
    public long UpFramesReceived;
    public long UpLost;
    public long UpReordered;
    public long UpUndecodable;
    public long DownChunksSent;
    public int MockConnections;

    /// <summary>The first and the latest sequence number (mod 4096) the mock decoded, -1 before any: which end a loss without a gap is at.</summary>
    public int UpFirstSequence { get; private set; } = -1;

    public int UpLastSequence => _upLast;

    public Task Ready => _ready.Task;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public async Task ConnectAsync(Uri relay, CancellationToken cancellationToken)
    {
        var query = $"?sampleRate={SampleRate}&encoding={(Float32 ? "float32" : "pcm16")}&channels=1";
        _socket.Options.KeepAliveInterval = TimeSpan.Zero; // browsers do not ping; the relay does
        await _socket.ConnectAsync(new Uri(relay, query), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads until the relay closes or the socket fails.</summary>
    public async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        _ready.TrySetException(new InvalidOperationException($"closed before ready: {_socket.CloseStatus} {_socket.CloseStatusDescription}"));
                        if (_socket.State == WebSocketState.CloseReceived)
                        {
                            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken).ConfigureAwait(false);
                        }

                        return;
                    }

                    length += result.Count;
                }
                while (!result.EndOfMessage);

                var now = Stopwatch.GetTimestamp();
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    OnAudio(buffer.AsSpan(0, length), now);
                }
                else
                {
                    OnEvent(buffer.AsSpan(0, length));
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _ready.TrySetException(ex);
            if (!cancellationToken.IsCancellationRequested)
            {
                Fail("receive: " + ex.Message);
            }
        }
    }

    private void OnAudio(ReadOnlySpan<byte> audio, long now)
    {
        if (!DownstreamHeader.TryRead(audio, out var session, out var sequence, out var sent) || session != Index)
        {
            Interlocked.Increment(ref DownForeign);
            return;
        }

        Interlocked.Increment(ref DownChunksReceived);
        if (_downLast >= 0 && sequence != _downLast + 1)
        {
            if (sequence <= _downLast)
            {
                Interlocked.Increment(ref DownReordered);
            }
            else
            {
                Interlocked.Add(ref DownLost, sequence - _downLast - 1);
            }
        }

        _downLast = Math.Max(_downLast, sequence);
        _metrics.RecordDownstream(now - sent);
    }

    private void OnEvent(ReadOnlySpan<byte> json)
    {
        Interlocked.Increment(ref TextEvents);
        var type = ReadType(json);
        switch (type)
        {
            case "ready":
                _ready.TrySetResult();
                break;
            case "turnComplete":
                Interlocked.Increment(ref TurnsCompleted);
                break;
            case "error":
                Interlocked.Increment(ref ErrorEvents);
                FirstError ??= Encoding.UTF8.GetString(json);
                break;
        }
    }

    private static string? ReadType(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    // The few types counted here are literals: no string is allocated for the frequent transcripts.
                    return reader.ValueTextEquals("ready"u8) ? "ready"
                        : reader.ValueTextEquals("turnComplete"u8) ? "turnComplete"
                        : reader.ValueTextEquals("error"u8) ? "error"
                        : null;
                }
            }
        }
        catch (JsonException)
        {
            return "error";
        }

        return null;
    }

    /// <summary>Starts real-time streaming from now (called once <c>ready</c> arrived).</summary>
    public void StartStreaming()
    {
        _nextDue = Stopwatch.GetTimestamp();
        _streaming = true;
    }

    public void StopStreaming() => _streaming = false;

    /// <summary>The time <paramref name="sequence"/> was handed to the socket (Stopwatch ticks), for the mock side.</summary>
    public long SendTimestamp(int sequence) => Volatile.Read(ref _sendTimestamps[sequence & (UpstreamCode.SequenceModulus - 1)]);

    /// <summary>Called by the pacer thread: sends every frame that is due, one send outstanding at most.</summary>
    public void Pump(long now, CancellationToken cancellationToken)
    {
        if (!_streaming)
        {
            return;
        }

        if (_pendingSend is { } pending)
        {
            if (!pending.IsCompleted)
            {
                return;
            }

            _pendingSend = null;
            if (!pending.IsCompletedSuccessfully)
            {
                Fail("send: " + pending.Exception?.GetBaseException().Message);
                return;
            }
        }

        while (_nextDue <= now && _streaming)
        {
            _metrics.RecordPacerLag(now - _nextDue);
            var sequence = (int)FramesSent;
            UpstreamCode.WriteFrame(_frame, FrameSamples, Float32, Index, sequence);
            Volatile.Write(ref _sendTimestamps[sequence & (UpstreamCode.SequenceModulus - 1)], Stopwatch.GetTimestamp());
            ValueTask send;
            try
            {
                send = _socket.SendAsync(_frame.AsMemory(), WebSocketMessageType.Binary, true, cancellationToken);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
            {
                Fail("send: " + ex.Message);
                return;
            }

            FramesSent++;
            _nextDue += _frameTicks;
            if (!send.IsCompleted)
            {
                _pendingSend = send.AsTask();
                return;
            }

            try
            {
                send.GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                Fail("send: " + ex.Message);
                return;
            }
        }
    }

    /// <summary>The mock side decoded frame <paramref name="sequence"/> (mod 4096) of this session at <paramref name="now"/>.</summary>
    public void OnUpstreamFrame(int sequence, long now)
    {
        UpFramesReceived++;
        if (_upLast < 0)
        {
            // Every session's first frame is sequence 0: anything before the first one decoded is a gap too.
            UpFirstSequence = sequence;
            UpLost += sequence;
        }
        else
        {
            var step = (sequence - _upLast) & (UpstreamCode.SequenceModulus - 1);
            if (step == 0 || step > UpstreamCode.SequenceModulus / 2)
            {
                UpReordered++;
                return;
            }

            UpLost += step - 1;
        }

        _upLast = sequence;
        _metrics.RecordUpstream(now - SendTimestamp(sequence));
    }

    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        StopStreaming();
        if (_pendingSend is { } pending)
        {
            await pending.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load test done", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            Fail("close: " + ex.Message);
        }
    }

    public void Fail(string reason)
    {
        _streaming = false;
        if (!Failed)
        {
            Failed = true;
            FirstError ??= reason;
        }
    }

    public void Dispose() => _socket.Dispose();
}
