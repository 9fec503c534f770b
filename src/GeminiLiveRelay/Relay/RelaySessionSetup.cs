using GeminiLiveRelay.Browser;

namespace GeminiLiveRelay.Relay;

/// <summary>Everything one relay session is started with besides its sockets.</summary>
/// <param name="ManualActivity">The browser drives turns (<c>vad=manual</c>): activityStart/activityEnd are allowed.</param>
/// <param name="Tools">The server-side tools, or null when none are enabled.</param>
internal sealed record RelaySessionSetup(
    string SessionId,
    InputFormat Format,
    RelayOptions Options,
    bool ManualActivity = false,
    ToolSet? Tools = null,
    TimeProvider? Time = null);
