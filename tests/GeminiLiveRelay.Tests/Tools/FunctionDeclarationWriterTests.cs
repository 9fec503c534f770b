using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Tests.Tools;

public sealed class FunctionDeclarationWriterTests
{
    private const string WeatherDeclaration =
        """{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}""";

    [Fact]
    public void WriteDeclaration_WithoutBehavior_OmitsBehavior()
    {
        var json = JsonText.Of(w => FunctionDeclarationWriter.WriteDeclaration(w, new WeatherTool(), null));

        Assert.Equal(WeatherDeclaration + "}", json);
    }

    [Fact]
    public void WriteDeclaration_NonBlocking_AddsBehaviorLast()
    {
        var json = JsonText.Of(w => FunctionDeclarationWriter.WriteDeclaration(w, new WeatherTool(), FunctionDeclarationWriter.NonBlocking));

        Assert.Equal(WeatherDeclaration + ""","behavior":"NON_BLOCKING"}""", json);
    }

    [Fact]
    public void WriteDeclaration_ToolWithoutParameters_OmitsParameters()
    {
        var json = JsonText.Of(w => FunctionDeclarationWriter.WriteDeclaration(w, new DelegateTool("ping"), ""));

        Assert.Equal("""{"name":"ping","description":"A test tool."}""", json);
    }

    [Fact]
    public void Write_SeveralTools_WritesOneFunctionDeclarationsTool()
    {
        var json = JsonText.Of(w => FunctionDeclarationWriter.Write(w, [new WeatherTool(), new DelegateTool("ping")], FunctionDeclarationWriter.Blocking));

        Assert.Equal(
            """{"functionDeclarations":[""" + WeatherDeclaration + ""","behavior":"BLOCKING"},{"name":"ping","description":"A test tool.","behavior":"BLOCKING"}]}""",
            json);
    }

    [Fact]
    public void Write_InsideASetupToolsArray_ProducesTheProtocolShape()
    {
        var json = JsonText.Of(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("tools");
            FunctionDeclarationWriter.Write(w, [new WeatherTool()], null);
            w.WriteEndArray();
            w.WriteEndObject();
        });

        Assert.Equal("""{"tools":[{"functionDeclarations":[""" + WeatherDeclaration + "}]}]}", json);
    }

    [Fact]
    public void Write_NoTools_Throws()
    {
        Assert.Throws<ArgumentException>(() => JsonText.Of(w => FunctionDeclarationWriter.Write(w, [], null)));
    }

    [Theory]
    [InlineData("non_blocking")]
    [InlineData("ASYNC")]
    public void Write_UnknownBehavior_ThrowsBeforeWritingAnything(string behavior)
    {
        using var stream = new MemoryStream();
        using var writer = new System.Text.Json.Utf8JsonWriter(stream);

        var exception = Assert.Throws<ArgumentException>(() => FunctionDeclarationWriter.Write(writer, [new WeatherTool()], behavior));

        Assert.Contains("BLOCKING or NON_BLOCKING", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.BytesPending + writer.BytesCommitted);
    }

    [Fact]
    public void Write_BuiltInTools_ProduceValidDeclarations()
    {
        LiveTool[] tools = [new GetCurrentTimeTool(TimeProvider.System), new CalculateTool()];

        var root = JsonText.Parse(JsonText.Of(w => FunctionDeclarationWriter.Write(w, tools, null)));

        var names = root.GetProperty("functionDeclarations").EnumerateArray().Select(d => d.GetProperty("name").GetString());
        Assert.Equal(["get_current_time", "calculate"], names);
    }
}
