using System.Text.Json;

namespace GeminiLiveRelay.Tools;

/// <summary>
/// Writes a complete <c>toolResponse</c> client message (protocol reference 3.4):
/// <c>{"toolResponse":{"functionResponses":[{"id":..,"name":..,"response":{"output":..},"scheduling":..}]}}</c>.
/// </summary>
internal static class ToolResponseWriter
{
    /// <summary>Add the result to the context without making the model speak.</summary>
    public const string Silent = "SILENT";

    /// <summary>Speak about the result once the model is idle (the server's default).</summary>
    public const string WhenIdle = "WHEN_IDLE";

    /// <summary>Interrupt the model and answer now.</summary>
    public const string Interrupt = "INTERRUPT";

    /// <summary>
    /// Writes one message answering every response in <paramref name="responses"/>. The <c>response</c> field is
    /// always an object, as the API requires: <c>{"error":..}</c> when <see cref="ToolResponse.Error"/> is set,
    /// otherwise <c>{"output":..}</c> (<c>null</c> when the function returned nothing).
    /// </summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<ToolResponse> responses)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(responses);
        if (responses.Count == 0)
        {
            throw new ArgumentException("A toolResponse message needs at least one function response.", nameof(responses));
        }

        // Checked before anything is written, so a bad value never leaves half a message in the caller's writer.
        foreach (var response in responses)
        {
            Check(response);
        }

        writer.WriteStartObject();
        writer.WriteStartObject("toolResponse"u8);
        writer.WriteStartArray("functionResponses"u8);
        foreach (var response in responses)
        {
            WriteResponse(writer, response);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteResponse(Utf8JsonWriter writer, ToolResponse response)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, response.Id);
        writer.WriteString("name"u8, response.Name);
        writer.WriteStartObject("response"u8);
        if (response.Error is { } error)
        {
            writer.WriteString("error"u8, error);
        }
        else if (response.Output is { } output)
        {
            writer.WritePropertyName("output"u8);
            output.WriteTo(writer);
        }
        else
        {
            writer.WriteNull("output"u8);
        }

        writer.WriteEndObject();
        if (!string.IsNullOrEmpty(response.Scheduling))
        {
            writer.WriteString("scheduling"u8, response.Scheduling);
        }

        writer.WriteEndObject();
    }

    private static void Check(ToolResponse response)
    {
        // The Developer API rejects responses that do not echo the call's id.
        if (string.IsNullOrEmpty(response.Id) || string.IsNullOrEmpty(response.Name))
        {
            throw new ArgumentException("Every function response needs the id and name of its call.", nameof(response));
        }

        // An unknown enum name makes the server close the socket with 1007, far from the typo that caused it.
        if (!string.IsNullOrEmpty(response.Scheduling) && response.Scheduling is not (Silent or WhenIdle or Interrupt))
        {
            throw new ArgumentException(
                $"Function response scheduling must be {Silent}, {WhenIdle} or {Interrupt}, not '{response.Scheduling}'.",
                nameof(response));
        }
    }
}
