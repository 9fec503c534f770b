namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>A clock the test moves by hand (timers are not faked: only "what time is it").</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
