using System.Diagnostics;
using GeminiLiveRelay.Browser;

namespace GeminiLiveRelay.Relay;

// Per-session limits that are watched while the session runs: duration (or the user's remaining daily budget),
// idle time, a browser that stops reading, and the graceful drain on shutdown.
internal sealed partial class RelaySession
{
    private readonly TaskCompletionSource<RelayEnd> _limitTripped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The supervisor's verdict (null: the relay is shutting down) and the state CheckLimits keeps between ticks; only
    // the clock's thread touches the flags (a PeriodicTimer never runs two ticks at once).
    private readonly TaskCompletionSource<RelayEnd?> _verdict = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _supervisionStarted;
    private bool _durationWarned;
    private bool _idleWarned;
    private bool _budgetWarned;
    private int _budgetTicks;
    private long _lastActivity = Stopwatch.GetTimestamp();
    private long _downstreamAudioBytes;


    private readonly SemaphoreSlim _drained = new(0);

    /// <summary>
    /// Backpressure towards Gemini's reader: model audio arrives faster than real time, so a queue of a few seconds
    /// is normal; beyond <c>Relay:MaxBrowserBacklog</c> the reader waits (this session's only) for the browser to
    /// take some. A browser that takes nothing for that long again is not reading: false.
    /// </summary>
    private async ValueTask<bool> WaitForBrowserToDrainAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _downstreamAudioBytes) <= _maxBacklogBytes)
        {
            return true;
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(_options.MaxBrowserBacklog.TotalSeconds * Stopwatch.Frequency);
        while (Volatile.Read(ref _downstreamAudioBytes) > _maxBacklogBytes)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || !await _drained.WaitAsync(left, cancellationToken).ConfigureAwait(false))
            {
                return Volatile.Read(ref _downstreamAudioBytes) <= _maxBacklogBytes;
            }
        }

        return true;
    }

    private void ReleaseDrainWaiter()
    {
        if (_drained.CurrentCount == 0)
        {
            _drained.Release();
        }
    }

    private void MarkActivity() => Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());

    private void Trip(RelayEnd end) => _limitTripped.TrySetResult(end);

    private async Task<RelayEnd> SuperviseAsync(CancellationToken shuttingDown, CancellationToken cancellationToken)
    {
        _supervisionStarted = Stopwatch.GetTimestamp();
        // The limits are checked by the relay's one clock (CheckLimits, then the audio metrics); shutdown and the end
        // of the session are seen at once. A null verdict means shutdown: drain first.
        using var ticking = _setup.Clock.Add(OnClockTick);
        using var shutdown = shuttingDown.UnsafeRegister(static state => ((RelaySession)state!)._verdict.TrySetResult(null), this);
        using var ended = cancellationToken.UnsafeRegister(
            static state => ((RelaySession)state!)._verdict.TrySetResult(RelayEnd.BrowserDisconnected), this);
        if (await _verdict.Task.ConfigureAwait(false) is { } end)
        {
            return end;
        }

        try
        {
            return await DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return RelayEnd.BrowserDisconnected;
        }
    }

    // The session's clock tick. Limits first: they must run even if a metrics listener throws (the clock logs that and
    // carries on).
    private void OnClockTick()
    {
        CheckLimits();
        ReportAudio();
    }

    /// <summary>One look at the time limits, on the clock's thread every <see cref="SessionClock.Period"/>.</summary>
    /// <remarks>
    /// Each limit warns first (sessionExpiring) and closes no earlier than the next tick, so the browser always hears
    /// about it before the socket closes.
    /// </remarks>
    private void CheckLimits()
    {
        if (_verdict.Task.IsCompleted)
        {
            return;
        }

        try
        {
            CheckLimitsCore();
        }
        catch (Exception ex)
        {
            // As when the supervisor was a loop of its own: the session fails (logged as such by the endpoint)
            // instead of running on unsupervised.
            _verdict.TrySetException(ex);
        }
    }

    private void CheckLimitsCore()
    {
        var elapsed = Stopwatch.GetElapsedTime(_supervisionStarted);
        var maxDuration = _setup.MaxDuration ?? _options.MaxSessionDuration;
        if (elapsed >= maxDuration - WarningBefore(maxDuration))
        {
            if (_durationWarned && elapsed >= maxDuration)
            {
                _verdict.TrySetResult(RelayEnd.DurationLimit);
                return;
            }

            if (!_durationWarned)
            {
                _durationWarned = true;
                PostEvent(BrowserEvents.Encode(new SessionExpiringEvent("maxDuration", SecondsLeft(maxDuration - elapsed))));
            }
        }

        // The user's daily minutes, shared by all their sessions, checked about once a second.
        if (_setup.DailyBudget is { } budget && ++_budgetTicks % 4 == 0)
        {
            var remaining = TimeSpan.FromMinutes(Math.Max(0, budget()));
            if (remaining <= WarningBefore(TimeSpan.FromMinutes(10)))
            {
                if (_budgetWarned && remaining <= TimeSpan.Zero)
                {
                    _verdict.TrySetResult(RelayEnd.DurationLimit);
                    return;
                }

                if (!_budgetWarned)
                {
                    _budgetWarned = true;
                    PostEvent(BrowserEvents.Encode(new SessionExpiringEvent("dailyBudget", SecondsLeft(remaining))));
                }
            }
        }

        var idle = Stopwatch.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (idle >= _options.IdleTimeout - WarningBefore(_options.IdleTimeout))
        {
            if (_idleWarned && idle >= _options.IdleTimeout)
            {
                _verdict.TrySetResult(RelayEnd.IdleTimeout);
                return;
            }

            if (!_idleWarned)
            {
                _idleWarned = true;
                PostEvent(BrowserEvents.Encode(new SessionExpiringEvent("idle", SecondsLeft(_options.IdleTimeout - idle))));
            }
        }
        else
        {
            _idleWarned = false; // activity came back: a later idle spell warns again
        }
    }

    private static double SecondsLeft(TimeSpan left) => Math.Max(0, Math.Round(left.TotalSeconds));

    /// <summary>Warn a minute ahead, or a tenth of the limit ahead for short limits.</summary>
    private static TimeSpan WarningBefore(TimeSpan limit) =>
        limit / 10 < TimeSpan.FromMinutes(1) ? limit / 10 : TimeSpan.FromMinutes(1);

    /// <summary>
    /// Shutdown: tell the browser (so the page reconnects elsewhere), let the model finish its sentence within
    /// <c>Relay:ShutdownDrainPeriod</c>, then end (the browser is closed with 1001).
    /// </summary>
    private async Task<RelayEnd> DrainAsync(CancellationToken cancellationToken)
    {
        PostEvent(BrowserEvents.Shutdown);
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.ShutdownDrainPeriod.TotalSeconds * Stopwatch.Frequency);

        // A model chunk already on its way when shutdown began still counts as speaking: look once it had time to land.
        await Task.Delay(SessionClock.Period, cancellationToken).ConfigureAwait(false);
        while (Stopwatch.GetTimestamp() < deadline && (_generating || Volatile.Read(ref _downstreamAudioBytes) > 0))
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return RelayEnd.ShuttingDown;
    }
}
