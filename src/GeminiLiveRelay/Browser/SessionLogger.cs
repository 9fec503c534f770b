namespace GeminiLiveRelay.Browser;

/// <summary>
/// The logger every session's lines go to (category <c>GeminiLiveRelay.Session</c>), created once per relay. Serilog's
/// logger factory does not cache what it creates: a logger made per connection is a new logger chain with its own
/// event-id cache (~0.6 KB) that the session then holds for its whole life.
/// </summary>
internal sealed class SessionLogger(ILoggerFactory loggerFactory)
{
    public ILogger Logger { get; } = loggerFactory.CreateLogger("GeminiLiveRelay.Session");
}
