using GeminiLiveRelay.Relay;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace GeminiLiveRelay.Tests.Relay;

/// <summary>The one timer behind every session's periodic checks.</summary>
public sealed class SessionClockTests
{
    [Fact]
    public async Task Check_RunsEveryPeriod_UntilItsHandleIsDisposed()
    {
        using var timeout = TestTimeout.Create();
        using var clock = new SessionClock(new ListLogger());
        var ticks = 0;
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = clock.Add(() =>
        {
            if (Interlocked.Increment(ref ticks) == 3)
            {
                third.TrySetResult();
            }
        });

        await third.Task.WaitAsync(timeout.Token);
        handle.Dispose();
        var atDispose = Volatile.Read(ref ticks);
        await Task.Delay(SessionClock.Period * 4, timeout.Token);

        // A tick already under way when the handle was disposed may still run the check once.
        Assert.InRange(Volatile.Read(ref ticks), atDispose, atDispose + 1);
    }

    [Fact]
    public async Task FailingCheck_IsLogged_AndEveryOtherCheckKeepsRunning()
    {
        using var timeout = TestTimeout.Create();
        var logger = new ListLogger();
        using var clock = new SessionClock(logger);
        using var failing = clock.Add(() => throw new InvalidOperationException("broken check"));
        var ticks = 0;
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var healthy = clock.Add(() =>
        {
            if (Interlocked.Increment(ref ticks) == 3)
            {
                third.TrySetResult();
            }
        });

        await third.Task.WaitAsync(timeout.Token);

        Assert.Contains(logger.Errors, e => e is InvalidOperationException { Message: "broken check" });
    }

    [Fact]
    public async Task Disposed_StopsTicking()
    {
        using var timeout = TestTimeout.Create();
        var clock = new SessionClock(new ListLogger());
        var ticks = 0;
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handle = clock.Add(() =>
        {
            Interlocked.Increment(ref ticks);
            first.TrySetResult();
        });
        await first.Task.WaitAsync(timeout.Token);

        clock.Dispose();
        var atDispose = Volatile.Read(ref ticks);
        await Task.Delay(SessionClock.Period * 4, timeout.Token);

        Assert.InRange(Volatile.Read(ref ticks), atDispose, atDispose + 1);
    }

    private sealed class ListLogger : ILogger<SessionClock>
    {
        private readonly List<Exception> _errors = [];

        public IReadOnlyList<Exception> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && exception is not null)
            {
                lock (_errors)
                {
                    _errors.Add(exception);
                }
            }
        }
    }
}
