using System.Text.Json;
using System.Text.Json.Nodes;
using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Tests.Tools;

/// <summary>A tool whose behaviour is the delegate a test hands it.</summary>
internal sealed class DelegateTool(string name, Func<JsonElement, CancellationToken, Task<JsonNode?>> invoke) : LiveTool
{
    public DelegateTool(string name)
        : this(name, static (_, _) => Task.FromResult<JsonNode?>(null))
    {
    }

    public override string Name => name;

    public override string Description => "A test tool.";

    public override JsonObject? Parameters => null;

    public override Task<JsonNode?> InvokeAsync(JsonElement args, CancellationToken cancellationToken) => invoke(args, cancellationToken);
}
