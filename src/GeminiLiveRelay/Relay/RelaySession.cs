using GeminiLiveRelay.Observability;
using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GeminiLiveRelay.Browser;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Pumps one browser connection to and from its own live model session.
/// <code>
///  browser ──(1) receive loop──► upstream queue ──(3) Gemini writer──► Gemini
///  browser ◄──(4) send loop──── downstream queue ◄──(2) Gemini reader (this sink)── Gemini
/// </code>
/// (1) starts at once, so audio sent before <c>ready</c> is held (bounded) and delivered after setup. (2)+(3) run once
/// the session is open. Whichever side ends first decides <see cref="RelayEnd"/>; the other side is cancelled and
/// awaited within <c>Relay:CloseTimeout</c>; the browser is told why (an <c>error</c> event, then a close code).
/// Each socket has exactly one writer: (3) for Gemini, (4) for the browser.
/// </summary>
internal sealed partial class RelaySession : IGeminiEventSink, IDisposable
{
    // ≥ 10 s of audio at the 20 ms minimum chunk: nothing said before setupComplete is lost.
    private const int UpstreamCapacity = 512;
    private const int DownstreamCapacity = 512;

    private readonly WebSocket _browser;
    private readonly InputFormat _format;
    private readonly Func<string?, CancellationToken, Task<IGeminiSession>> _connect;
    private readonly RelayOptions _options;
    private readonly RelaySessionSetup _setup;
    private readonly ILogger _logger;
    private readonly UpstreamAudioChunker _chunker;
    private readonly ToolCallRunner? _tools;
    private readonly ImageGate _images;
    private readonly AudioRateGuard _audioRate;
    private readonly long _maxBacklogBytes;
    private readonly RelayMetrics? _metrics;
    private readonly TurnLatency? _turns;
    // Synchronous continuations: a write wakes the waiting reader loop on the writer's thread, so an idle Gemini
    // writer sends a browser frame on the thread that received it (and an idle browser sender forwards model audio on
    // the Gemini reader's thread) instead of after a thread-pool hop. A reader that is busy is not waiting, so nothing
    // runs inline then; a send that has to wait returns the thread to the writer at once. Measured in
    // docs/performance.md.
    private readonly Channel<UpstreamItem> _upstream = Channel.CreateBounded<UpstreamItem>(
        new BoundedChannelOptions(UpstreamCapacity) { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly Channel<DownstreamItem> _downstream = Channel.CreateBounded<DownstreamItem>(
        new BoundedChannelOptions(DownstreamCapacity) { SingleReader = true, AllowSynchronousContinuations = true });

    private readonly System.Collections.Concurrent.ConcurrentQueue<Tools.ToolResponse> _unexpectedToolResponses = new();
    private long _generation;
    private int _connected;
    private int _closing;
    private int _activityOpen;
    private RelayStats _stats;

    /// <param name="connect">Opens a live session, resuming from the handle when one is given.</param>
    public RelaySession(WebSocket browser, RelaySessionSetup setup, Func<string?, CancellationToken, Task<IGeminiSession>> connect, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(setup);
        _browser = browser;
        _setup = setup;
        _format = setup.Format;
        _options = setup.Options;
        _connect = connect;
        _logger = logger;
        SessionId = setup.SessionId;
        _chunker = new UpstreamAudioChunker(new Audio.InputAudioConverter(_format.SampleRate, _format.Encoding, _format.Channels));
        _tools = setup.Tools is null ? null : new ToolCallRunner(setup.Tools, OnToolFinished);
        _images = new ImageGate(_options);
        _audioRate = new AudioRateGuard(_options.MaxAudioRealtimeFactor, _options.MaxAudioBurst);
        _maxBacklogBytes = (long)(24000 * 2 * _options.MaxBrowserBacklog.TotalSeconds);
        _latestHandle = setup.ResumeHandle;
        _metrics = setup.Metrics;
        _turns = _metrics is null ? null : new TurnLatency(_metrics);
    }

    public string SessionId { get; }

    public RelayStats Stats => _stats;

    public void Dispose()
    {
        _tools?.Dispose();
        _drained.Dispose();
    }

    public async Task<RelayEnd> RunAsync(CancellationToken shuttingDown, CancellationToken browserAborted)
    {
        var started = Stopwatch.GetTimestamp();

        // Separate scopes: cancelling a pending WebSocket receive or send aborts the socket, so the browser loops
        // are only cancelled once the close handshake is done or has timed out.
        using var sendCts = CancellationTokenSource.CreateLinkedTokenSource(browserAborted);
        using var receiveCts = CancellationTokenSource.CreateLinkedTokenSource(browserAborted);
        // Not linked to the browser: when the browser vanishes, what it already said (and the activityEnd it owes)
        // is still delivered, then Gemini is closed with a close frame; the hard cancel below bounds that.
        using var upstreamCts = new CancellationTokenSource();
        using var superviseCts = new CancellationTokenSource();

        var sending = SendToBrowserAsync(sendCts.Token);
        var receiving = ReceiveFromBrowserAsync(receiveCts.Token);
        var stopUpstream = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstream = RunUpstreamAsync(stopUpstream.Task, upstreamCts.Token);

        var supervising = SuperviseAsync(shuttingDown, superviseCts.Token);

        var end = RelayEnd.Failed;
        try
        {
            var first = await Task.WhenAny(receiving, upstream, supervising, _limitTripped.Task).ConfigureAwait(false);
            end = await first.ConfigureAwait(false);
            await superviseCts.CancelAsync().ConfigureAwait(false);
            await ((Task)supervising).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

            // Stop the upstream first: Gemini is closed at once whatever ended the session (no zombie sessions). An
            // activityStart the browser left open is closed first, so the model is never left waiting for a turn's end.
            if (Interlocked.Exchange(ref _activityOpen, 0) == 1)
            {
                await _upstream.Writer.WriteAsync(UpstreamItem.ForSignal(ClientSignal.ActivityEnd), CancellationToken.None)
                    .AsTask().WaitAsync(_options.CloseTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            // The stop signal before the queue completes: otherwise the writer's natural end looks like a failed send.
            stopUpstream.TrySetResult();
            _upstream.Writer.TryComplete();
            if (Volatile.Read(ref _connected) == 0)
            {
                await upstreamCts.CancelAsync().ConfigureAwait(false); // still connecting: just abandon it
            }

            await WaitAsync(upstream, _options.CloseTimeout * 2).ConfigureAwait(false);
            await upstreamCts.CancelAsync().ConfigureAwait(false);
            await upstream.ConfigureAwait(false);

            // Let queued events (the error that explains the end) reach the browser, then close it with the right code.
            _tools?.Dispose();
            Volatile.Write(ref _closing, 1);
            _downstream.Writer.TryComplete();
            await CloseBrowserAsync(end, sending, sendCts, receiving, receiveCts).ConfigureAwait(false);
            return end;
        }
        finally
        {
            // Whatever happened above, nothing of this session keeps running or holds pooled memory.
            stopUpstream.TrySetResult();
            _upstream.Writer.TryComplete();
            _downstream.Writer.TryComplete();
            Volatile.Write(ref _closing, 1);
            await upstreamCts.CancelAsync().ConfigureAwait(false);
            await superviseCts.CancelAsync().ConfigureAwait(false);
            await sendCts.CancelAsync().ConfigureAwait(false);
            await receiveCts.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(sending, receiving, upstream, supervising).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            DrainQueues();
            ReportAudio();
            _stats.Duration = Stopwatch.GetElapsedTime(started);
        }
    }

    private async Task CloseBrowserAsync(
        RelayEnd end, Task sending, CancellationTokenSource sendCts, Task<RelayEnd> receiving, CancellationTokenSource receiveCts)
    {
        if (end != RelayEnd.BrowserDisconnected)
        {
            await WaitAsync(sending, _options.CloseTimeout).ConfigureAwait(false);
        }

        await sendCts.CancelAsync().ConfigureAwait(false);
        await sending.ConfigureAwait(false);

        var (status, reason) = end.ToClose();
        if (_browser.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(_options.CloseTimeout);
            try
            {
                // Our close frame; the receive loop sees the browser's reply (or already saw its close).
                await _browser.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                Log.BrowserCloseFailed(_logger, ex.Message);
            }
        }

        await WaitAsync(receiving, _options.CloseTimeout).ConfigureAwait(false);
        if (!receiving.IsCompleted)
        {
            Log.BrowserCloseFailed(_logger, "no close reply within Relay:CloseTimeout");
        }

        await receiveCts.CancelAsync().ConfigureAwait(false);
        await receiving.ConfigureAwait(false);
    }

    private async Task SendToGeminiAsync(IGeminiSession session, CancellationToken cancellationToken)
    {
        // A channel wait with a cancelable token allocates a waiter each time, and this loop waits once per chunk; so
        // it waits without one, and a single registration posts a wake item when the token fires.
        using var wake = cancellationToken.UnsafeRegister(
            static state => ((RelaySession)state!)._upstream.Writer.TryWrite(UpstreamItem.Wake), this);
        try
        {
            while (!_writerPaused)
            {
                // Tool responses first: the model is waiting for them, and input may be held until they are sent.
                await SendToolResponsesAsync(session, cancellationToken).ConfigureAwait(false);
                if (_tools is { HoldsInput: true })
                {
                    await _tools.WaitForChangeAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!await _upstream.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    return;
                }

                cancellationToken.ThrowIfCancellationRequested();

                // A call, or a connection switch, may have come while this loop waited for input: look again first.
                if (_writerPaused || _tools is { HoldsInput: true } || _tools?.HasResponses == true || !_unexpectedToolResponses.IsEmpty)
                {
                    continue;
                }

                if (_upstream.Reader.TryRead(out var item))
                {
                    await SendItemAsync(session, item, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (WebSocketException ex)
        {
            Log.UpstreamSendFailed(_logger, ex.Message);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The socket was aborted (stall watchdog, keep-alive timeout): the reader reports the drop.
            Log.UpstreamSendFailed(_logger, ex.Message);
        }
    }

    // Pooled: a send that waits (Gemini's socket backing up) would otherwise box a state machine per chunk.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendItemAsync(IGeminiSession session, UpstreamItem item, CancellationToken cancellationToken)
    {
        try
        {
            if (item.IsWake)
            {
                return;
            }

            if (item.Audio is not null)
            {
                await session.SendAudioAsync(item.Audio.AsMemory(0, item.Length), cancellationToken).ConfigureAwait(false);
                _stats.AudioBytesToGemini += item.Length; // reported to the metrics by the clock (ReportAudio)
            }
            else if (item.ImageMimeType is not null)
            {
                await session.SendImageAsync(item.ImageMimeType, item.Text!, cancellationToken).ConfigureAwait(false);
                _stats.ImagesToGemini++;
            }
            else if (item.Text is not null)
            {
                await session.SendTextAsync(item.Text, cancellationToken).ConfigureAwait(false);
                _turns?.UserTurnEnded();
            }
            else if (item.Signal is { } signal)
            {
                await session.SendSignalAsync(signal, cancellationToken).ConfigureAwait(false);
                if (signal is ClientSignal.ActivityEnd or ClientSignal.AudioStreamEnd)
                {
                    _turns?.UserTurnEnded();
                }
            }
        }
        finally
        {
            item.Release();
        }
    }

    private async ValueTask SendToolResponsesAsync(IGeminiSession session, CancellationToken cancellationToken)
    {
        List<Tools.ToolResponse>? batch = null;
        while (_tools is not null && _tools.TryTakeResponse(out var response))
        {
            (batch ??= []).Add(response);
        }

        while (_unexpectedToolResponses.TryDequeue(out var response))
        {
            (batch ??= []).Add(response);
        }

        if (batch is not null)
        {
            await session.SendToolResponseAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WaitAsync(Task task, TimeSpan timeout)
    {
        await task.WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void DrainQueues()
    {
        while (_upstream.Reader.TryRead(out var up))
        {
            up.Release();
        }

        while (_downstream.Reader.TryRead(out var down))
        {
            down.Release();
        }
    }
}
