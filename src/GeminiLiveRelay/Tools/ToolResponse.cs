using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tools;

/// <summary>
/// The answer to one function call: <see cref="Output"/> when it succeeded, <see cref="Error"/> (a message for the
/// model) when it did not. <see cref="Scheduling"/> (<c>SILENT</c>, <c>WHEN_IDLE</c>, <c>INTERRUPT</c>) only applies
/// to NON_BLOCKING functions and is omitted when null. <see cref="DurationMs"/> is for logs and metrics, never sent.
/// </summary>
internal readonly record struct ToolResponse(
    string Id,
    string Name,
    JsonNode? Output,
    string? Error,
    string? Scheduling,
    double DurationMs = 0)
{
    public bool Ok => Error is null;
}
