using System.Collections.Concurrent;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// The one timer behind every session's periodic checks: time limits, idle time and the daily budget
/// (<see cref="RelaySession"/>) and the upstream stall watchdog (<see cref="Gemini.GeminiSession"/>).
/// </summary>
/// <remarks>
/// Not a timer per session: .NET's timer queue walks its list of soon-due timers on every firing, so N sessions with
/// a 250 ms timer each cost O(N) per firing and O(N²) per second (at 500 sessions ~3 % of the relay's CPU in
/// <c>TimerQueue.FireNextTimers</c> alone, plus a thread-pool wake-up per firing; docs/performance.md). One timer that
/// visits every registered check costs one wake-up per tick, whatever the number of sessions. Checks run one after
/// another on the clock's thread, so they must be quick and never block. The rare check that acts (a limit warning
/// posted to the browser queue, a stalled socket aborted) may run that session's send loop inline up to its first
/// wait, as any writer to those queues does.
/// </remarks>
internal sealed partial class SessionClock : IDisposable
{
    /// <summary>How often every check runs.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<Registration, byte> _checks = new();
    private readonly PeriodicTimer _timer = new(Period);
    private readonly ILogger _logger;

    public SessionClock(ILogger<SessionClock> logger)
    {
        _logger = logger;

        // Created lazily inside the first session's request: the loop must not keep that request's logging scope
        // and trace (each check runs in its own session's context instead, see Add).
        using (ExecutionContext.SuppressFlow())
        {
            _ = RunAsync();
        }
    }

    /// <summary>Runs <paramref name="check"/> every <see cref="Period"/> until the returned handle is disposed.</summary>
    /// <remarks>
    /// The check runs in the caller's execution context, as a timer created there would: what it logs carries the
    /// session's scope (its SessionId). A check that throws is logged every time; it should end its session itself.
    /// </remarks>
    public IDisposable Add(Action check)
    {
        var registration = new Registration(this, check, ExecutionContext.Capture());
        _checks.TryAdd(registration, 0);
        return registration;
    }

    public void Dispose() => _timer.Dispose(); // ends the loop: WaitForNextTickAsync returns false

    private async Task RunAsync()
    {
        // A PeriodicTimer never overlaps ticks: a slow tick (a starved thread pool) delays the next instead of running
        // a session's check twice at once.
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            foreach (var (registration, _) in _checks)
            {
                try
                {
                    registration.Run();
                }
                catch (Exception ex)
                {
                    // One session's failing check (or a failing log sink) must not stop every other session's.
                    try
                    {
                        Log.CheckFailed(_logger, ex);
                    }
                    catch (Exception)
                    {
                        // Nothing left to report it to; the next check runs regardless.
                    }
                }
            }
        }
    }

    private sealed class Registration(SessionClock clock, Action check, ExecutionContext? context) : IDisposable
    {
        public void Run()
        {
            if (context is null)
            {
                check();
            }
            else
            {
                ExecutionContext.Run(context, static state => ((Action)state!)(), check);
            }
        }

        public void Dispose() => clock._checks.TryRemove(this, out _);
    }

    private static partial class Log
    {
        [LoggerMessage(2013, LogLevel.Error, "A session's periodic check failed", EventName = "SessionCheckFailed")]
        public static partial void CheckFailed(ILogger logger, Exception exception);
    }
}
