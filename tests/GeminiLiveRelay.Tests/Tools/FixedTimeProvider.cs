namespace GeminiLiveRelay.Tests.Tools;

/// <summary>A clock stopped at one instant, with a chosen local zone (UTC unless told otherwise).</summary>
public sealed class FixedTimeProvider(DateTimeOffset utcNow, TimeZoneInfo? localTimeZone = null) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => utcNow;

    public override TimeZoneInfo LocalTimeZone { get; } = localTimeZone ?? TimeZoneInfo.Utc;
}
