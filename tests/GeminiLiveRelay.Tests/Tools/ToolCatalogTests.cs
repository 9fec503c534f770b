using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Tests.Tools;

public sealed class ToolCatalogTests
{
    private readonly LiveTool _calculate = new CalculateTool();
    private readonly LiveTool _time = new GetCurrentTimeTool(TimeProvider.System);

    [Fact]
    public void Find_DeclaredName_ReturnsTheTool()
    {
        var catalog = new ToolCatalog([_calculate, _time]);

        Assert.Same(_time, catalog.Find("get_current_time"));
        Assert.Same(_calculate, catalog.Find("calculate"));
    }

    [Theory]
    [InlineData("Calculate")]
    [InlineData("calc")]
    [InlineData("")]
    public void Find_OtherName_ReturnsNull(string name)
    {
        var catalog = new ToolCatalog([_calculate]);

        Assert.Null(catalog.Find(name));
    }

    [Fact]
    public void Resolve_EnabledNames_ReturnsThoseToolsInConfiguredOrder()
    {
        var catalog = new ToolCatalog([_calculate, _time]);

        var tools = catalog.Resolve(["get_current_time", "calculate"], out var unknown);

        Assert.Equal([_time, _calculate], tools);
        Assert.Empty(unknown);
    }

    [Fact]
    public void Resolve_UnknownNames_AreReportedOnce()
    {
        var catalog = new ToolCatalog([_calculate, _time]);

        var tools = catalog.Resolve(["calculate", "get_weather", "send_email", "GET_WEATHER"], out var unknown);

        Assert.Equal([_calculate], tools);
        Assert.Equal(["get_weather", "send_email"], unknown);
    }

    [Fact]
    public void Resolve_CaseBlanksAndRepeats_AreForgiven()
    {
        var catalog = new ToolCatalog([_calculate, _time]);

        var tools = catalog.Resolve([" Calculate ", "", "  ", "calculate", "GET_CURRENT_TIME"], out var unknown);

        Assert.Equal([_calculate, _time], tools);
        Assert.Empty(unknown);
    }

    [Fact]
    public void Resolve_NothingEnabled_ReturnsEmpty()
    {
        var catalog = new ToolCatalog([_calculate]);

        Assert.Empty(catalog.Resolve([], out var unknown));
        Assert.Empty(unknown);
    }

    [Theory]
    [InlineData("calculate")]
    [InlineData("CALCULATE")]
    public void Constructor_DuplicateNames_ThrowsNamingBoth(string otherName)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new ToolCatalog([_calculate, new DelegateTool(otherName)]));

        Assert.Contains("CalculateTool", exception.Message, StringComparison.Ordinal);
        Assert.Contains("DelegateTool", exception.Message, StringComparison.Ordinal);
        Assert.Contains("unique name", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1st_tool")]
    [InlineData("get-weather")]
    [InlineData("get weather")]
    [InlineData("name\n")]
    public void Constructor_InvalidName_Throws(string name)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new ToolCatalog([new DelegateTool(name)]));

        Assert.Contains("invalid name", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("_")]
    [InlineData("a")]
    [InlineData("GetWeather2")]
    public void Constructor_ValidName_IsAccepted(string name)
    {
        var catalog = new ToolCatalog([new DelegateTool(name)]);

        Assert.NotNull(catalog.Find(name));
    }

    [Fact]
    public void Constructor_NameOf64Characters_IsAccepted()
    {
        var name = "_" + new string('x', 63);

        Assert.NotNull(new ToolCatalog([new DelegateTool(name)]).Find(name));
    }

    [Fact]
    public void Constructor_NameOf65Characters_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new ToolCatalog([new DelegateTool(new string('x', 65))]));
    }
}
