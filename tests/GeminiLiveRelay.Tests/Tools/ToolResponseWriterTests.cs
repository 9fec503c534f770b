using System.Text.Json.Nodes;
using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Tests.Tools;

public sealed class ToolResponseWriterTests
{
    private const string CallId = "function-call-18067616153683755698";

    [Fact]
    public void Write_Output_WritesTheProtocolExample()
    {
        var response = new ToolResponse(CallId, "get_weather", new JsonObject { ["tempC"] = 21 }, null, ToolResponseWriter.WhenIdle);

        var json = JsonText.Of(w => ToolResponseWriter.Write(w, [response]));

        Assert.Equal(
            """{"toolResponse":{"functionResponses":[{"id":"function-call-18067616153683755698","name":"get_weather","response":{"output":{"tempC":21}},"scheduling":"WHEN_IDLE"}]}}""",
            json);
    }

    [Fact]
    public void Write_Error_WritesErrorInsteadOfOutput()
    {
        var response = new ToolResponse("c1", "calculate", new JsonObject { ["ignored"] = true }, "Division by zero at position 2.", null);

        var json = JsonText.Of(w => ToolResponseWriter.Write(w, [response]));

        Assert.Equal(
            """{"toolResponse":{"functionResponses":[{"id":"c1","name":"calculate","response":{"error":"Division by zero at position 2."}}]}}""",
            json);
    }

    [Theory]
    [InlineData(null, """{"output":null}""")]
    [InlineData("plain text", """{"output":"plain text"}""")]
    [InlineData(42, """{"output":42}""")]
    public void Write_OutputOfAnyKind_IsWrappedInAnObject(object? value, string expectedResponse)
    {
        var output = value switch { string s => JsonValue.Create(s), int i => JsonValue.Create(i), _ => null };
        var response = new ToolResponse("c1", "f", output, null, null);

        var json = JsonText.Of(w => ToolResponseWriter.Write(w, [response]));

        Assert.Equal("""{"toolResponse":{"functionResponses":[{"id":"c1","name":"f","response":""" + expectedResponse + "}]}}", json);
    }

    [Fact]
    public void Write_TwoResponses_WritesOneMessage()
    {
        ToolResponse[] responses =
        [
            new("c1", "calculate", new JsonObject { ["result"] = 10 }, null, ToolResponseWriter.Silent),
            new("c2", "get_current_time", null, "the function timed out after 5 s", ToolResponseWriter.Interrupt),
        ];

        var json = JsonText.Of(w => ToolResponseWriter.Write(w, responses));

        Assert.Equal(
            """{"toolResponse":{"functionResponses":[""" +
            """{"id":"c1","name":"calculate","response":{"output":{"result":10}},"scheduling":"SILENT"},""" +
            """{"id":"c2","name":"get_current_time","response":{"error":"the function timed out after 5 s"},"scheduling":"INTERRUPT"}]}}""",
            json);
    }

    [Fact]
    public void Write_OutputNodeWithAParent_IsWrittenWithoutDetaching()
    {
        var parent = new JsonObject { ["inner"] = new JsonObject { ["a"] = 1 } };

        var json = JsonText.Of(w => ToolResponseWriter.Write(w, [new ToolResponse("c1", "f", parent["inner"], null, null)]));

        Assert.Contains("""
            "response":{"output":{"a":1}}
            """, json, StringComparison.Ordinal);
        Assert.NotNull(parent["inner"]);
    }

    [Fact]
    public void Write_NoResponses_Throws()
    {
        Assert.Throws<ArgumentException>(() => JsonText.Of(w => ToolResponseWriter.Write(w, [])));
    }

    [Theory]
    [InlineData("", "f", null)]
    [InlineData("c1", "", null)]
    [InlineData("c1", "f", "LATER")]
    public void Write_InvalidResponse_ThrowsBeforeWritingAnything(string id, string name, string? scheduling)
    {
        using var stream = new MemoryStream();
        using var writer = new System.Text.Json.Utf8JsonWriter(stream);
        ToolResponse[] responses = [new("ok", "f", null, null, null), new(id, name, null, null, scheduling)];

        Assert.Throws<ArgumentException>(() => ToolResponseWriter.Write(writer, responses));

        Assert.Equal(0, writer.BytesPending + writer.BytesCommitted);
    }
}
