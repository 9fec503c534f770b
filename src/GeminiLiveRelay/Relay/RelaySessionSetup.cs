using GeminiLiveRelay.Browser;

namespace GeminiLiveRelay.Relay;

/// <summary>Everything one relay session is started with besides its sockets.</summary>
/// <param name="Clock">Runs the session's periodic limit checks (the relay's one clock).</param>
/// <param name="ManualActivity">The browser drives turns (<c>vad=manual</c>): activityStart/activityEnd are allowed.</param>
/// <param name="Tools">The server-side tools, or null when none are enabled.</param>
/// <param name="Resumption">Gemini hands out resumption handles (<c>Gemini:SessionResumption</c>): connections can be crossed.</param>
/// <param name="ResumeHandle">The handle to start from (the browser resumed with a token).</param>
/// <param name="ResumeTokens">Issues resume tokens to the browser; null issues none.</param>
/// <param name="DailyBudget">Books the time used and returns the user's remaining minutes today (null: no budget).</param>
/// <param name="TokenUser">The signed-in user resume tokens are bound to (empty when sign-in is off).</param>
/// <param name="MaxDuration">The session's time limit (the maximum duration, or what is left of the user's daily budget).</param>
internal sealed record RelaySessionSetup(
    string SessionId,
    InputFormat Format,
    RelayOptions Options,
    SessionClock Clock,
    bool ManualActivity = false,
    ToolSet? Tools = null,
    bool Resumption = false,
    string? ResumeHandle = null,
    ResumeTokens? ResumeTokens = null,
    TimeSpan? MaxDuration = null,
    Observability.RelayMetrics? Metrics = null,
    string TokenUser = "",
    Func<double>? DailyBudget = null);
