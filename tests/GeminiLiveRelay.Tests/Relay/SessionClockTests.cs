using GeminiLiveRelay.Relay;
using GeminiLiveRelay.Tests.Infrastructure;
using GeminiLiveRelay.Tests.Tools;
using Microsoft.Extensions.Logging;

namespace GeminiLiveRelay.Tests.Relay;

/// <summary>The one timer behind every session's periodic checks.</summary>
public sealed class SessionClockTests
{
    [Theory]
    [InlineData(false, 3)] // the session ends: its handle is disposed
    [InlineData(true, 1)] // the relay stops: the clock is disposed
    public async Task Check_RunsEveryPeriod_UntilItsHandleOrTheClockIsDisposed(bool disposeClock, int runsBefore)
    {
        using var timeout = TestTimeout.Create();
        var clock = new SessionClock(new ListLogger<SessionClock>());
        var check = new CountingCheck(runsBefore);
        var handle = clock.Add(check.Run);
        await check.Reached.WaitAsync(timeout.Token);

        ((IDisposable)(disposeClock ? clock : handle)).Dispose();

        await check.AssertStoppedAsync(timeout.Token);
        handle.Dispose();
        clock.Dispose();
    }

    [Fact]
    public async Task FailingCheck_IsLogged_AndEveryOtherCheckKeepsRunning()
    {
        using var timeout = TestTimeout.Create();
        var logger = new ListLogger<SessionClock>();
        using var clock = new SessionClock(logger);
        using var failing = clock.Add(() => throw new InvalidOperationException("broken check"));
        var healthy = new CountingCheck(3);
        using var handle = clock.Add(healthy.Run);

        await healthy.Reached.WaitAsync(timeout.Token);

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException { Message: "broken check" });
    }

    [Fact]
    public async Task Check_RunsInTheContextItWasAddedIn_NeverInTheClockCreatorsContext()
    {
        using var timeout = TestTimeout.Create();
        var scope = new AsyncLocal<string?> { Value = "first request" }; // e.g. a logging scope when the clock is made
        using var clock = new SessionClock(new ListLogger<SessionClock>());
        var session = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var contextless = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);

        var handles = await Task.Run(() =>
        {
            scope.Value = "session 7";
            var inSession = clock.Add(() => session.TrySetResult(scope.Value));
            using (ExecutionContext.SuppressFlow())
            {
                // No context to run in: the check runs in the clock's own, which must not be the first request's.
                return (InSession: inSession, Contextless: clock.Add(() => contextless.TrySetResult(scope.Value)));
            }
        }, timeout.Token);
        var seenInSession = await session.Task.WaitAsync(timeout.Token);
        var seenContextless = await contextless.Task.WaitAsync(timeout.Token);
        handles.InSession.Dispose();
        handles.Contextless.Dispose();

        Assert.Equal("session 7", seenInSession);
        Assert.Null(seenContextless);
    }

    private sealed class CountingCheck(int target)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _runs;

        /// <summary>The check has run <c>target</c> times.</summary>
        public Task Reached => _reached.Task;

        public void Run()
        {
            if (Interlocked.Increment(ref _runs) >= target)
            {
                _reached.TrySetResult();
            }
        }

        /// <summary>Over four more periods the check runs at most once more (a tick already under way).</summary>
        public async Task AssertStoppedAsync(CancellationToken cancellationToken)
        {
            var atStop = Volatile.Read(ref _runs);
            await Task.Delay(SessionClock.Period * 4, cancellationToken);
            Assert.InRange(Volatile.Read(ref _runs), atStop, atStop + 1);
        }
    }
}
