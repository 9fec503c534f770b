namespace GeminiLiveRelay.Gemini;

/// <summary>How an upstream connection ended: Gemini's close code and reason, or 1006 when it simply dropped.</summary>
internal sealed record UpstreamClose(int Code, string Reason)
{
    public const int Abnormal = 1006;

    public static UpstreamClose Dropped(string reason) => new(Abnormal, reason);
}
