using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Tests.Tools;

public sealed class CalculateToolTests
{
    private readonly CalculateTool _tool = new();

    [Fact]
    public async Task Invoke_Expression_ReturnsExpressionAndResult()
    {
        var output = await _tool.InvokeAsync(JsonText.Parse("""{"expression":"2*(3+4)^2 / 7 - sqrt(16)"}"""), CancellationToken.None);

        Assert.Equal("""{"expression":"2*(3+4)^2 / 7 - sqrt(16)","result":10}""", JsonText.Of(output));
    }

    [Fact]
    public async Task Invoke_FractionalResult_IsAJsonNumber()
    {
        var output = await _tool.InvokeAsync(JsonText.Parse("""{"expression":"1/4"}"""), CancellationToken.None);

        Assert.Equal("""{"expression":"1/4","result":0.25}""", JsonText.Of(output));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"expression":12}""")]
    [InlineData("""{"expression":null}""")]
    [InlineData("""{"expr":"1+1"}""")]
    public async Task Invoke_MissingOrNonStringExpression_ThrowsToolExceptionWithUsage(string args)
    {
        var exception = await Assert.ThrowsAsync<ToolException>(() => _tool.InvokeAsync(JsonText.Parse(args), CancellationToken.None));

        Assert.Contains("'expression'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_BadExpression_ThrowsToolException()
    {
        var exception = await Assert.ThrowsAsync<ToolException>(
            () => _tool.InvokeAsync(JsonText.Parse("""{"expression":"1/0"}"""), CancellationToken.None));

        Assert.Equal("Division by zero at position 2.", exception.Message);
    }

    [Fact]
    public void Declaration_HasRequiredStringExpression()
    {
        var parameters = JsonText.Parse(_tool.Parameters!.ToJsonString());

        Assert.Equal("calculate", _tool.Name);
        Assert.Equal("OBJECT", parameters.GetProperty("type").GetString());
        Assert.Equal("STRING", parameters.GetProperty("properties").GetProperty("expression").GetProperty("type").GetString());
        Assert.Equal("expression", Assert.Single(parameters.GetProperty("required").EnumerateArray()).GetString());
    }
}
