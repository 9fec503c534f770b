using System.Text.Json.Nodes;
using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Tests.Tools;

public sealed class GetCurrentTimeToolTests
{
    private static readonly DateTimeOffset s_winterEvening = new(2026, 11, 25, 19, 15, 3, TimeSpan.Zero);

    [Fact]
    public async Task Invoke_BerlinInWinter_ReturnsCentralEuropeanTime()
    {
        var output = await Invoke(s_winterEvening, """{"timeZone":"Europe/Berlin"}""");

        Assert.Equal(
            """{"timeZone":"Europe/Berlin","iso8601":"2026-11-25T20:15:03+01:00","date":"2026-11-25","time":"20:15","weekday":"Wednesday","utcOffset":"+01:00"}""",
            JsonText.Of(output));
    }

    [Fact]
    public async Task Invoke_BerlinInSummer_ReturnsSummerTime()
    {
        var output = await Invoke(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero), """{"timeZone":"Europe/Berlin"}""");

        Assert.Equal("2026-07-01T12:00:00+02:00", (string?)output["iso8601"]);
        Assert.Equal("+02:00", (string?)output["utcOffset"]);
    }

    [Theory]
    [InlineData("2026-03-29T00:59:59Z", "2026-03-29T01:59:59+01:00")]
    [InlineData("2026-03-29T01:00:00Z", "2026-03-29T03:00:00+02:00")]
    public async Task Invoke_AcrossTheSpringChange_SwitchesOffsetAtTheRightInstant(string utc, string expected)
    {
        var output = await Invoke(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), """{"timeZone":"Europe/Berlin"}""");

        Assert.Equal(expected, (string?)output["iso8601"]);
    }

    [Fact]
    public async Task Invoke_NewYork_ReturnsNegativeOffsetAndLocalDate()
    {
        var output = await Invoke(new DateTimeOffset(2026, 11, 26, 2, 30, 0, TimeSpan.Zero), """{"timeZone":"America/New_York"}""");

        Assert.Equal(
            """{"timeZone":"America/New_York","iso8601":"2026-11-25T21:30:00-05:00","date":"2026-11-25","time":"21:30","weekday":"Wednesday","utcOffset":"-05:00"}""",
            JsonText.Of(output));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"timeZone":null}""")]
    [InlineData("""{"timeZone":"  "}""")]
    public async Task Invoke_WithoutZone_UsesTheProvidersLocalZone(string args)
    {
        var output = await Invoke(s_winterEvening, args);

        Assert.Equal(
            """{"timeZone":"UTC","iso8601":"2026-11-25T19:15:03+00:00","date":"2026-11-25","time":"19:15","weekday":"Wednesday","utcOffset":"+00:00"}""",
            JsonText.Of(output));
    }

    [Fact]
    public async Task Invoke_WithoutZone_HonoursANonUtcLocalZone()
    {
        var tool = new GetCurrentTimeTool(new FixedTimeProvider(s_winterEvening, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")));

        var output = (await tool.InvokeAsync(JsonText.Parse("{}"), CancellationToken.None))!;

        Assert.Equal("Asia/Tokyo", (string?)output["timeZone"]);
        Assert.Equal("2026-11-26T04:15:03+09:00", (string?)output["iso8601"]);
        Assert.Equal("Thursday", (string?)output["weekday"]);
    }

    [Fact]
    public async Task Invoke_ZoneInOtherCase_FindsTheZone()
    {
        var output = await Invoke(s_winterEvening, """{"timeZone":"europe/berlin"}""");

        Assert.Equal("Europe/Berlin", (string?)output["timeZone"]);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Berlin")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/etc/localtime")]
    [InlineData("Europe//Berlin")]
    [InlineData("Europe/Berlin x")]
    public async Task Invoke_UnknownOrMalformedZone_ThrowsToolExceptionWithAnExample(string zone)
    {
        var tool = new GetCurrentTimeTool(new FixedTimeProvider(s_winterEvening));
        var args = JsonText.Parse(new JsonObject { ["timeZone"] = zone }.ToJsonString());

        var exception = await Assert.ThrowsAsync<ToolException>(() => tool.InvokeAsync(args, CancellationToken.None));

        Assert.Contains("Unknown time zone", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'Europe/Berlin'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_NonStringZone_ThrowsToolException()
    {
        var exception = await Assert.ThrowsAsync<ToolException>(() => Invoke(s_winterEvening, """{"timeZone":1}"""));

        Assert.Contains("'timeZone' must be a string", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeZoneDatabase_IsAvailableHere()
    {
        // Guards the other tests' meaning: without tzdata every zone but UTC is "unknown".
        Assert.True(TimeZoneIds.DatabaseAvailable);
    }

    private static async Task<JsonNode> Invoke(DateTimeOffset utcNow, string args)
    {
        var tool = new GetCurrentTimeTool(new FixedTimeProvider(utcNow));
        var output = await tool.InvokeAsync(JsonText.Parse(args), CancellationToken.None);
        return Assert.IsAssignableFrom<JsonNode>(output);
    }
}
