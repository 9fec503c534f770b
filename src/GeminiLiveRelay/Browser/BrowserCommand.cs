using System.Text.Json;

namespace GeminiLiveRelay.Browser;

/// <summary>A browser → relay text frame: <c>{"type":"text","text":"..."}</c>, <c>activityStart</c>, <c>activityEnd</c>, <c>audioStreamEnd</c>.</summary>
internal sealed record BrowserCommand(string? Type, string? Text)
{
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
            { Type: null } => "A message needs a \"type\".",
            _ => $"Unknown message type '{Truncate(command.Type)}'.",
        };
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
