using System.Text.Json;

namespace GeminiLiveRelay.Browser;

/// <summary>
/// A browser → relay text frame: <c>{"type":"text","text":"..."}</c>, <c>activityStart</c>, <c>activityEnd</c>,
/// <c>audioStreamEnd</c>, or <c>{"type":"image","mimeType":"image/jpeg","data":"&lt;base64&gt;"}</c>.
/// </summary>
internal sealed record BrowserCommand(string? Type, string? Text, string? MimeType = null, string? Data = null)
{
    public static readonly IReadOnlySet<string> ImageTypes = new HashSet<string>(StringComparer.Ordinal) { "image/jpeg", "image/png", "image/webp" };

    public const int MaxTextLength = 16 * 1024;

    /// <summary>Parses one text frame; returns an error sentence (for a <c>bad_message</c> event) or null.</summary>
    public static string? TryParse(ReadOnlySpan<byte> utf8, out BrowserCommand? command)
    {
        command = null;
        try
        {
            command = JsonSerializer.Deserialize(utf8, BrowserJsonContext.Default.BrowserCommand);
        }
        catch (JsonException ex)
        {
            return "Text frames must be one JSON object: " + ex.Message;
        }
        catch (InvalidOperationException ex)
        {
            return "Text frames must be one JSON object: " + ex.Message;
        }

        return command switch
        {
            null => "Text frames must be one JSON object, not null.",
            { Type: "text", Text: null or "" } => "A text message needs a non-empty \"text\".",
            { Type: "text", Text.Length: > MaxTextLength } => $"A text message may hold at most {MaxTextLength} characters.",
            { Type: "text" or "activityStart" or "activityEnd" or "audioStreamEnd" } => null,
            { Type: "image", MimeType: var mime } when mime is null || !ImageTypes.Contains(mime) =>
                $"An image needs \"mimeType\" image/jpeg, image/png or image/webp; got '{Truncate(mime ?? "null")}'.",
            { Type: "image", Data: null or "" } => "An image needs base64 \"data\".",
            { Type: "image" } => null,
            { Type: null } => "A message needs a \"type\".",
            _ => $"Unknown message type '{Truncate(command.Type)}'.",
        };
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
