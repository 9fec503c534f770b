namespace GeminiLiveRelay.Gemini;

/// <summary>
/// What one browser connection asked for (allowlisted query parameters); null keeps the operator's setting.
/// </summary>
internal sealed record LiveSessionRequest
{
    public static readonly LiveSessionRequest Default = new();

    public string? Voice { get; init; }

    public string? LanguageCode { get; init; }

    /// <summary>True for <c>vad=manual</c>: the browser drives turns with activityStart/activityEnd.</summary>
    public bool? ManualActivity { get; init; }

    /// <summary>False for <c>transcripts=off</c>.</summary>
    public bool? Transcripts { get; init; }

    public string? Model { get; init; }

    public string? SystemInstruction { get; init; }

    /// <summary>The resumption handle to continue from (a reconnect, or a browser's resume token).</summary>
    public string? ResumeHandle { get; init; }
}
