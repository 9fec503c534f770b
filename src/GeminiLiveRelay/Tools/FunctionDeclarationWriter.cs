using System.Text.Json;

namespace GeminiLiveRelay.Tools;

/// <summary>
/// Writes <c>setup.tools[]</c> entries for server-side functions (protocol reference 3.1):
/// <c>{"functionDeclarations":[{"name":..,"description":..,"parameters":{..},"behavior":"NON_BLOCKING"}]}</c>.
/// </summary>
internal static class FunctionDeclarationWriter
{
    /// <summary>The model waits silently for the response (default on 2.5 models; the only mode on 3.1).</summary>
    public const string Blocking = "BLOCKING";

    /// <summary>The model keeps talking while the call runs (default on gemini-3.8-live).</summary>
    public const string NonBlocking = "NON_BLOCKING";

    /// <summary>
    /// Writes one tool object holding every function in <paramref name="tools"/>. <paramref name="behavior"/> is
    /// <see cref="Blocking"/>, <see cref="NonBlocking"/>, or null/empty to leave the model's default. An empty list
    /// is refused: leave the tool out of the setup instead, since an empty declaration list is not a tool.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<LiveTool> tools, string? behavior)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(tools);
        if (tools.Count == 0)
        {
            throw new ArgumentException("At least one tool is needed; omit the functionDeclarations tool when none is enabled.", nameof(tools));
        }

        // Checked before anything is written, so a bad value never leaves half a message in the caller's writer.
        CheckBehavior(behavior);
        writer.WriteStartObject();
        writer.WriteStartArray("functionDeclarations"u8);
        foreach (var tool in tools)
        {
            WriteDeclaration(writer, tool, behavior);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes one <c>FunctionDeclaration</c> object; fields without a value are omitted, never null.</summary>
    public static void WriteDeclaration(Utf8JsonWriter writer, LiveTool tool, string? behavior)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(tool);
        CheckBehavior(behavior);
        writer.WriteStartObject();
        writer.WriteString("name"u8, tool.Name);
        if (!string.IsNullOrEmpty(tool.Description))
        {
            writer.WriteString("description"u8, tool.Description);
        }

        if (tool.Parameters is { } parameters)
        {
            writer.WritePropertyName("parameters"u8);
            parameters.WriteTo(writer);
        }

        if (!string.IsNullOrEmpty(behavior))
        {
            writer.WriteString("behavior"u8, behavior);
        }

        writer.WriteEndObject();
    }

    // An unknown enum name makes the server close the socket with 1007, far from the typo that caused it.
    private static void CheckBehavior(string? behavior)
    {
        if (!string.IsNullOrEmpty(behavior) && behavior is not (Blocking or NonBlocking))
        {
            throw new ArgumentException($"Function behavior must be {Blocking} or {NonBlocking}, not '{behavior}'.", nameof(behavior));
        }
    }
}
