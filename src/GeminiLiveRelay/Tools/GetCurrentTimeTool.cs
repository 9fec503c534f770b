using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tools;

/// <summary>
/// <c>get_current_time</c>: the date, time and weekday now, in an IANA time zone or the server's own. Models have
/// no clock, and without this they guess from their training data.
/// </summary>
internal sealed class GetCurrentTimeTool(TimeProvider timeProvider) : LiveTool
{
    public override string Name => "get_current_time";

    public override string Description =>
        "Returns the current date, time of day, weekday and UTC offset. Call it whenever the answer depends on " +
        "today's date or the time now. Pass an IANA time zone id such as 'Europe/Berlin' for a place; leave it out " +
        "for the server's time zone.";

    // A new object per read: setups of concurrent sessions write it at the same time, and a shared mutable node
    // could be changed by any of them.
    public override JsonObject? Parameters => new()
    {
        ["type"] = "OBJECT",
        ["properties"] = new JsonObject
        {
            ["timeZone"] = new JsonObject
            {
                ["type"] = "STRING",
                ["description"] = "IANA time zone id, e.g. 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo' or 'UTC'.",
            },
        },
    };

    public override Task<JsonNode?> InvokeAsync(JsonElement args, CancellationToken cancellationToken)
    {
        var zone = FindZone(ReadTimeZone(args));
        var now = TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), zone);
        var culture = CultureInfo.InvariantCulture;
        JsonNode result = new JsonObject
        {
            ["timeZone"] = zone.Id,
            ["iso8601"] = now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", culture),
            ["date"] = now.ToString("yyyy-MM-dd", culture),
            ["time"] = now.ToString("HH:mm", culture),
            ["weekday"] = now.DayOfWeek.ToString(),
            ["utcOffset"] = now.ToString("zzz", culture),
        };
        return Task.FromResult<JsonNode?>(result);
    }

    private static string? ReadTimeZone(JsonElement args)
    {
        if (args.ValueKind != JsonValueKind.Object || !args.TryGetProperty("timeZone", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ToolException("'timeZone' must be a string such as 'Europe/Berlin'.");
        }

        var id = value.GetString()!.Trim();
        return id.Length == 0 ? null : id;
    }

    private TimeZoneInfo FindZone(string? id)
    {
        if (id is null)
        {
            return timeProvider.LocalTimeZone;
        }

        // The id comes from the model (so from whatever the user said) and names a file under the zoneinfo folder
        // on Linux: only plain IANA-shaped ids get that far.
        if (!TimeZoneIds.IsWellFormed(id))
        {
            throw UnknownZone(id);
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) || TimeZoneIds.TryFindIgnoringCase(id, out zone))
        {
            return zone;
        }

        throw TimeZoneIds.DatabaseAvailable
            ? UnknownZone(id)
            : new ToolException("Only UTC is available: the server has no time zone database installed.");
    }

    private static ToolException UnknownZone(string id) =>
        new($"Unknown time zone '{id}'. Use an IANA time zone id such as 'Europe/Berlin', 'America/New_York' or 'UTC'.");
}
