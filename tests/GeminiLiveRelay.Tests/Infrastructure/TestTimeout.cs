using System.Diagnostics;

namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>A per-test timeout token (none under a debugger), so a hung socket fails the test instead of the run.</summary>
public static class TestTimeout
{
    public static CancellationTokenSource Create(int seconds = 30) =>
        Debugger.IsAttached ? new CancellationTokenSource() : new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
}
