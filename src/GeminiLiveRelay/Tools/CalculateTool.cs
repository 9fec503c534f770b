using System.Text.Json;
using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tools;

/// <summary>
/// <c>calculate</c>: exact arithmetic for the model, which is unreliable at it when speaking (and worse in audio,
/// where a wrong digit is easy to miss). See <see cref="ExpressionEvaluator"/> for the language.
/// </summary>
internal sealed class CalculateTool : LiveTool
{
    public override string Name => "calculate";

    public override string Description =>
        "Evaluates an arithmetic expression exactly. Use it for any calculation instead of computing in your head. " +
        "Supports + - * / % ^ (power), parentheses, decimal numbers with '.', the functions sqrt, abs, round, floor, " +
        "ceil, min, max, log (natural), log10, sin, cos, tan (radians) and the constants pi and e.";

    // A new object per read: setups of concurrent sessions write it at the same time, and a shared mutable node
    // could be changed by any of them.
    public override JsonObject? Parameters => new()
    {
        ["type"] = "OBJECT",
        ["properties"] = new JsonObject
        {
            ["expression"] = new JsonObject
            {
                ["type"] = "STRING",
                ["description"] = "The expression, e.g. '2*(3+4)^2 / 7 - sqrt(16)' or 'round(19.99 * 0.81, 2)'.",
            },
        },
        ["required"] = new JsonArray("expression"),
    };

    public override Task<JsonNode?> InvokeAsync(JsonElement args, CancellationToken cancellationToken)
    {
        if (args.ValueKind != JsonValueKind.Object
            || !args.TryGetProperty("expression", out var value)
            || value.ValueKind != JsonValueKind.String)
        {
            throw new ToolException("Pass the expression as the string argument 'expression', e.g. {\"expression\": \"2*(3+4)\"}.");
        }

        var expression = value.GetString()!;
        var result = ExpressionEvaluator.Evaluate(expression);
        JsonNode output = new JsonObject
        {
            ["expression"] = expression,
            ["result"] = result,
        };
        return Task.FromResult<JsonNode?>(output);
    }
}
