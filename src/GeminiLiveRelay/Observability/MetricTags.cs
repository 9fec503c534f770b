using System.Collections.Frozen;
using System.Text.Json;
using GeminiLiveRelay.Relay;
using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Observability;

/// <summary>
/// Tag values of the relay's metrics and spans. Every value comes from a closed set of constants: a value taken from
/// a peer as is (a model's modality, a close reason) would let one client mint unbounded time series.
/// </summary>
internal static class MetricTags
{
    public const string Input = "input";
    public const string Output = "output";
    public const string Other = "other";

    // Every RelayEnd, snake_case, computed once: values added to the enum later get a tag without a change here.
    private static readonly FrozenDictionary<RelayEnd, string> s_ends = Enum.GetValues<RelayEnd>()
        .ToFrozenDictionary(end => end, end => JsonNamingPolicy.SnakeCaseLower.ConvertName(end.ToString()));

    public static string End(RelayEnd end) => s_ends.GetValueOrDefault(end, Other);

    /// <summary>The reconnect reasons the relay posts to the browser (<c>reconnecting.reason</c>).</summary>
    public static string ReconnectReason(string? reason) => reason switch
    {
        "goAway" => "go_away",
        "unavailable" => "unavailable",
        "timeout" => "timeout",
        "invalid_config" => "invalid_config",
        "policy" => "policy",
        "quota" => "quota",
        _ => Other,
    };

    /// <summary>Gemini's modality names (<c>TEXT</c>, <c>AUDIO</c>, …) in lower case.</summary>
    public static string Modality(string? modality) => modality?.ToUpperInvariant() switch
    {
        "TEXT" => "text",
        "AUDIO" => "audio",
        "IMAGE" => "image",
        "VIDEO" => "video",
        "DOCUMENT" => "document",
        _ => Other,
    };

    public static string Dropped(DroppedFrame kind) => kind switch
    {
        DroppedFrame.ImageRateLimit => "image_rate_limit",
        DroppedFrame.MessageTooBig => "message_too_big",
        DroppedFrame.BadAudioFrame => "bad_audio_frame",
        DroppedFrame.BadMessage => "bad_message",
        DroppedFrame.BrowserQueueFull => "browser_queue_full",
        DroppedFrame.InterruptedAudio => "interrupted_audio",
        DroppedFrame.BrowserBacklog => "browser_backlog",
        DroppedFrame.AudioTooFast => "audio_too_fast",
        _ => Other,
    };

    /// <summary><c>ok</c>, <c>error</c>, <c>timeout</c> or <c>cancelled</c> for one finished function call.</summary>
    public static string ToolOutcome(ToolResponse response, bool cancelled) =>
        cancelled ? "cancelled"
        : response.Ok ? "ok"
        // ToolInvoker's wording for a call that outlived Gemini:ToolTimeout (pinned by RelayMetricsTests).
        : response.Error!.StartsWith("the function timed out", StringComparison.Ordinal) ? "timeout"
        : "error";
}
