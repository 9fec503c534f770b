using System.Text.Json;
using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tools;

/// <summary>
/// A server-side function the live model can call. Subclasses are registered in DI as <see cref="LiveTool"/>
/// singletons (so they must be thread-safe) and enabled by name (<c>Gemini:Tools</c>).
/// </summary>
internal abstract class LiveTool
{
    /// <summary>The function name the model calls: <c>^[a-zA-Z_][a-zA-Z0-9_]{0,63}$</c> (checked by <see cref="ToolCatalog"/>).</summary>
    public abstract string Name { get; }

    /// <summary>What the function does and when to call it; the model decides from this text alone.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// The parameters schema in the Live API's OpenAPI-subset shape (upper-case <c>"type"</c>: <c>OBJECT</c>,
    /// <c>STRING</c>, <c>NUMBER</c>, ...), or null when the function takes none. Read once per session setup.
    /// </summary>
    public abstract JsonObject? Parameters { get; }

    /// <summary>
    /// Runs one call. <paramref name="args"/> is the call's <c>args</c> object (an empty object when the model sent
    /// none) and stays valid after the first await. The result becomes <c>response.output</c>. Throw
    /// <see cref="ToolException"/> for an expected failure with a message meant for the model; any other exception
    /// is turned into a generic error response by <see cref="ToolInvoker"/>.
    /// </summary>
    public abstract Task<JsonNode?> InvokeAsync(JsonElement args, CancellationToken cancellationToken);
}
