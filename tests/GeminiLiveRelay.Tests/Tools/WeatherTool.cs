using System.Text.Json;
using System.Text.Json.Nodes;
using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Tests.Tools;

/// <summary>The protocol reference's example declaration (section 3.1), as a tool.</summary>
internal sealed class WeatherTool : LiveTool
{
    public override string Name => "get_weather";

    public override string Description => "Current weather for a city";

    public override JsonObject? Parameters => new()
    {
        ["type"] = "OBJECT",
        ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "STRING" } },
        ["required"] = new JsonArray("city"),
    };

    public override Task<JsonNode?> InvokeAsync(JsonElement args, CancellationToken cancellationToken) =>
        Task.FromResult<JsonNode?>(new JsonObject { ["tempC"] = 21 });
}
