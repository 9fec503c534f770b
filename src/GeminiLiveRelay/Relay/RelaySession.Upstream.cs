using GeminiLiveRelay.Observability;
using GeminiLiveRelay.Browser;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Relay;

// The Gemini side of the pump across connections. One relay session may use many Gemini connections: each lasts
// about 10 minutes (goAway), and transient failures happen. The browser's socket stays open throughout; its input
// waits in the upstream queue (bounded, ≥ 10 s) while no connection is open, and is sent in order afterwards.
internal sealed partial class RelaySession
{
    // A connection that fails sooner than this after opening counts against the reconnect budget; one that lived
    // longer resets it. Otherwise a service that accepts and at once closes would be retried forever.
    private static readonly TimeSpan StableConnection = TimeSpan.FromSeconds(10);

    private readonly Random _jitter = new();
    private string? _latestHandle;
    private string? _modelForTokens;
    private volatile bool _generating;
    private volatile bool _userSpeaking;
    private volatile bool _writerPaused;
    private TaskCompletionSource<TimeSpan?> _goAway = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private enum PumpOutcome
    {
        Stopped,
        GoAway,
        Closed,
    }

    /// <param name="stop">Graceful stop (the session ends for another reason): close Gemini with a close frame.</param>
    /// <param name="cancellationToken">Hard stop: aborts the connect or the upstream socket.</param>
    private async Task<RelayEnd> RunUpstreamAsync(Task stop, CancellationToken cancellationToken)
    {
        var attempt = 0;
        var everReady = false;
        while (true)
        {
            IGeminiSession session;
            try
            {
                session = await ConnectTracedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (GeminiConnectException ex)
            {
                var failure = UpstreamFailure.From(ex);
                Log.UpstreamConnectFailed(_logger, ex.Code, ex.Message);
                if (await ShouldRetryAsync(failure, ++attempt, stop, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                return Fail(failure, everReady);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return RelayEnd.BrowserDisconnected;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Anything unforeseen while connecting counts as a transient failure: retried, then reported.
                Log.UpstreamConnectFailed(_logger, "unexpected", ex.Message);
                var failure = new UpstreamFailure(GeminiConnectException.Unavailable, "unavailable", "Could not open the Gemini session.", true, null);
                if (await ShouldRetryAsync(failure, ++attempt, stop, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                return Fail(failure, everReady);
            }

            Volatile.Write(ref _connected, 1);
            _tools?.ForgetCallsOfTheLastConnection();
            _unexpectedToolResponses.Clear();
            _modelForTokens = session.Model;
            if (everReady)
            {
                Log.Resumed(_logger, _latestHandle is not null, attempt);
                PostEvent(BrowserEvents.Encode(new ResumedEvent(_latestHandle is not null)));
            }
            else
            {
                PostEvent(BrowserEvents.Encode(new ReadyEvent(SessionId, session.Model, session.Backend,
                    new InputFormatInfo(_format.SampleRate, _format.EncodingName, _format.Channels))));
                Log.SessionReady(_logger, session.Backend, session.Model);
                everReady = true;
            }

            var connectedAt = DateTime.UtcNow;
            var (outcome, close) = await PumpAsync(session, stop, cancellationToken).ConfigureAwait(false);
            if (DateTime.UtcNow - connectedAt > StableConnection)
            {
                attempt = 0;
            }

            switch (outcome)
            {
                case PumpOutcome.Stopped:
                    return RelayEnd.BrowserDisconnected;
                case PumpOutcome.GoAway:
                    // A planned switch, not a failure: it does not use up the reconnect budget.
                    Log.SwitchingConnection(_logger, _latestHandle is not null);
                    PostEvent(BrowserEvents.Encode(new ReconnectingEvent("goAway", 1)));
                    _metrics?.UpstreamReconnect("goAway");
                    attempt = 0;
                    continue;
            }

            var closed = UpstreamFailure.From(close!);
            Log.UpstreamClosed(_logger, close!.Code, close.Reason);
            if (await ShouldRetryAsync(closed, ++attempt, stop, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            return Fail(closed, everReady);
        }
    }

    /// <summary>Opens one Gemini connection, timed (setup metric) and traced (setup span).</summary>
    private async Task<IGeminiSession> ConnectTracedAsync(CancellationToken cancellationToken)
    {
        var resuming = _latestHandle is not null;
        using var span = RelayTracing.StartSetup(SessionId, resuming);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var session = await _connect(_latestHandle, cancellationToken).ConfigureAwait(false);
            _metrics?.SetupCompleted(System.Diagnostics.Stopwatch.GetElapsedTime(started), resuming);
            RelayTracing.SetupSucceeded(span, session.Model, session.Backend);
            return session;
        }
        catch (GeminiConnectException ex)
        {
            RelayTracing.SetupFailed(span, ex.Code);
            throw;
        }
    }

    /// <summary>Posts <c>reconnecting</c> and waits out the back-off, unless the failure is final or the budget is spent.</summary>
    private async Task<bool> ShouldRetryAsync(UpstreamFailure failure, int attempt, Task stop, CancellationToken cancellationToken)
    {
        if (!failure.Retryable || attempt > _options.ReconnectAttempts || stop.IsCompleted)
        {
            return false;
        }

        _metrics?.UpstreamReconnect(failure.Category);
        PostEvent(BrowserEvents.Encode(new ReconnectingEvent(failure.Category, attempt)));
        var delay = BackOff(attempt);
        Log.Reconnecting(_logger, failure.Category, attempt, delay.TotalMilliseconds);
        await Task.WhenAny(Task.Delay(delay, cancellationToken), stop).ConfigureAwait(false);
        return !stop.IsCompleted && !cancellationToken.IsCancellationRequested;
    }

    /// <summary>Exponential back-off with full jitter in its upper half: 0.25 s, 0.5 s, 1 s … capped.</summary>
    private TimeSpan BackOff(int attempt)
    {
        var exponential = _options.ReconnectInitialDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.ReconnectMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (0.5 * _jitter.NextDouble())));
    }

    private RelayEnd Fail(UpstreamFailure failure, bool everReady)
    {
        PostEvent(BrowserEvents.Encode(new ErrorEvent(failure.Code, failure.Message)
        {
            Category = failure.Category,
            CloseCode = failure.Close?.Code,
            CloseReason = failure.Close?.Reason,
        }));
        return failure.Code switch
        {
            GeminiConnectException.SetupTimeout when !everReady => RelayEnd.SetupTimeout,
            GeminiConnectException.Unavailable when !everReady => RelayEnd.UpstreamUnavailable,
            _ => RelayEnd.UpstreamClosed,
        };
    }

    /// <summary>Runs one connection until the browser side stops, Gemini asks to go away, or the connection ends.</summary>
    private async Task<(PumpOutcome Outcome, UpstreamClose? Close)> PumpAsync(IGeminiSession session, Task stop, CancellationToken cancellationToken)
    {
        _goAway = new TaskCompletionSource<TimeSpan?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _writerPaused = false;
        await using (session.ConfigureAwait(false))
        {
            using var pumpCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reading = session.RunAsync(this, pumpCts.Token);
            var writing = SendToGeminiAsync(session, pumpCts.Token);
            try
            {
                var first = await Task.WhenAny(reading, writing, stop, _goAway.Task).ConfigureAwait(false);
                if (first == _goAway.Task && stop.IsCompleted)
                {
                    first = stop;
                }

                if (first == _goAway.Task)
                {
                    if (!_setup.Resumption)
                    {
                        // Without resumption the limit cannot be crossed: warn, and carry on until Gemini closes.
                        var left = await _goAway.Task.ConfigureAwait(false);
                        PostEvent(BrowserEvents.Encode(new SessionExpiringEvent("goAway", left?.TotalSeconds)));
                        first = await Task.WhenAny(reading, writing, stop).ConfigureAwait(false);
                    }
                    else
                    {
                        await WaitForQuietPointAsync(await _goAway.Task.ConfigureAwait(false), reading, stop).ConfigureAwait(false);
                        if (!reading.IsCompleted && !stop.IsCompleted)
                        {
                            // Close the old connection first (finishing the send in progress), then open the new one.
                            await PauseWriterAsync(writing).ConfigureAwait(false);
                            return (PumpOutcome.GoAway, null);
                        }

                        first = reading.IsCompleted ? reading : stop;
                    }
                }

                if (first == stop || (first == writing && stop.IsCompleted))
                {
                    // The browser side ended: send what it said before leaving, then close Gemini with a close
                    // frame (DisposeAsync) rather than cancelling the reader, which would abort the socket.
                    await WaitAsync(writing, _options.CloseTimeout).ConfigureAwait(false);
                    return (PumpOutcome.Stopped, null);
                }

                if (first == writing)
                {
                    // A send failed: the reader is about to see Gemini's close code, which decides what happens next.
                    await WaitAsync(reading, _options.CloseTimeout).ConfigureAwait(false);
                    return (PumpOutcome.Closed, reading.IsCompletedSuccessfully
                        ? reading.Result
                        : UpstreamClose.Dropped("the connection failed while sending"));
                }

                return (PumpOutcome.Closed, await reading.ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return (PumpOutcome.Stopped, null);
            }
            finally
            {
                await session.DisposeAsync().ConfigureAwait(false);
                await pumpCts.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(reading, writing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                _generating = false;
            }
        }
    }

    /// <summary>
    /// After a goAway: wait until no generation is in flight and no tool call is pending, but no longer than the time
    /// left minus <c>Relay:GoAwayMargin</c> (the connection is cut at zero).
    /// </summary>
    private async Task WaitForQuietPointAsync(TimeSpan? timeLeft, Task reading, Task stop)
    {
        var budget = (timeLeft ?? TimeSpan.FromSeconds(10)) - _options.GoAwayMargin;
        var deadline = DateTime.UtcNow + (budget > TimeSpan.Zero ? budget : TimeSpan.Zero);
        while (DateTime.UtcNow < deadline && !reading.IsCompleted && !stop.IsCompleted && !IsQuiet)
        {
            await Task.WhenAny(Task.Delay(20), reading, stop).ConfigureAwait(false);
        }
    }

    // Quiet: the model is not generating, no call is pending, and the user is not mid-turn (an open activity, or
    // speech heard since the last turn ended): the saved state then holds everything said so far.
    private bool IsQuiet => !_generating && _tools is not { Pending: > 0 } && Volatile.Read(ref _activityOpen) == 0 && !_userSpeaking;

    private async Task PauseWriterAsync(Task writing)
    {
        _writerPaused = true;
        _upstream.Writer.TryWrite(UpstreamItem.Wake); // wakes a writer waiting for input; it is skipped later
        _tools?.Wake(); // or one waiting on the tools
        await WaitAsync(writing, _options.CloseTimeout).ConfigureAwait(false);
    }

    private void OnResumptionUpdate(ResumptionUpdate update)
    {
        if (!update.Resumable || update.NewHandle is null)
        {
            return; // not resumable while generating or running calls: keep the last good handle
        }

        _latestHandle = update.NewHandle;
        if (_setup.ResumeTokens is { } tokens)
        {
            PostEvent(BrowserEvents.Encode(new ResumeTokenEvent(
                tokens.Create(_modelForTokens ?? string.Empty, update.NewHandle, _setup.TokenUser), tokens.Lifetime.TotalSeconds)));
        }
    }
}
