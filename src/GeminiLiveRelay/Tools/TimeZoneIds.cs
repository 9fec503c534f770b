using System.Diagnostics.CodeAnalysis;

namespace GeminiLiveRelay.Tools;

/// <summary>Checks on IANA time zone ids before they reach <see cref="TimeZoneInfo.FindSystemTimeZoneById"/>.</summary>
internal static class TimeZoneIds
{
    // Container images without tzdata (the plain chiseled ones) know only UTC; that deserves its own message.
    private static readonly Lazy<bool> s_databaseAvailable = new(static () =>
        TimeZoneInfo.TryFindSystemTimeZoneById("America/New_York", out _));

    public static bool DatabaseAvailable => s_databaseAvailable.Value;

    /// <summary>
    /// Letters, digits and <c>_ + - /</c> with no empty '/'-separated part: every IANA id
    /// (<c>America/Argentina/Buenos_Aires</c>, <c>Etc/GMT+5</c>) passes; relative or absolute paths do not.
    /// </summary>
    public static bool IsWellFormed(string id)
    {
        if (id.Length is 0 or > 64 || id[0] == '/' || id[^1] == '/' || id.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '+' or '-' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Finds <c>europe/berlin</c> as <c>Europe/Berlin</c>: zoneinfo file names are case-sensitive on Linux, but a
    /// spoken request turned into an id by the model may not be. Runs only after an exact lookup failed.
    /// </summary>
    public static bool TryFindIgnoringCase(string id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        foreach (var candidate in TimeZoneInfo.GetSystemTimeZones(skipSorting: true))
        {
            if (string.Equals(candidate.Id, id, StringComparison.OrdinalIgnoreCase))
            {
                zone = candidate;
                return true;
            }
        }

        zone = null;
        return false;
    }
}
