using System.Globalization;
using GeminiLiveRelay.Audio;
using Microsoft.Extensions.Primitives;

namespace GeminiLiveRelay.Browser;

/// <summary>The audio format a browser declares on <c>/live</c> (query parameters, validated before the upgrade).</summary>
internal sealed record InputFormat(int SampleRate, SampleEncoding Encoding, int Channels)
{
    public const int MinSampleRate = 8000;
    public const int MaxSampleRate = 192000;

    public static readonly InputFormat Default = new(48000, SampleEncoding.Pcm16, 1);

    public string EncodingName => Encoding == SampleEncoding.Float32 ? "float32" : "pcm16";

    /// <summary>Reads <c>sampleRate</c>, <c>encoding</c> and <c>channels</c>; returns an error sentence or null.</summary>
    public static string? TryParse(IQueryCollection query, out InputFormat format)
    {
        ArgumentNullException.ThrowIfNull(query);
        format = Default;
        var rate = Default.SampleRate;
        if (TryGetSingle(query, "sampleRate", out var rateText) is { } rateError)
        {
            return rateError;
        }

        if (rateText is not null &&
            (!int.TryParse(rateText, NumberStyles.None, CultureInfo.InvariantCulture, out rate) || rate < MinSampleRate || rate > MaxSampleRate))
        {
            return $"sampleRate must be a whole number of Hz from {MinSampleRate} to {MaxSampleRate}; got '{rateText}'.";
        }

        var encoding = Default.Encoding;
        if (TryGetSingle(query, "encoding", out var encodingText) is { } encodingError)
        {
            return encodingError;
        }

        switch (encodingText)
        {
            case null or "pcm16":
                break;
            case "float32":
                encoding = SampleEncoding.Float32;
                break;
            default:
                return $"encoding must be 'pcm16' or 'float32'; got '{encodingText}'.";
        }

        var channels = Default.Channels;
        if (TryGetSingle(query, "channels", out var channelsText) is { } channelsError)
        {
            return channelsError;
        }

        switch (channelsText)
        {
            case null or "1":
                break;
            case "2":
                channels = 2;
                break;
            default:
                return $"channels must be 1 or 2; got '{channelsText}'.";
        }

        format = new InputFormat(rate, encoding, channels);
        return null;
    }

    private static string? TryGetSingle(IQueryCollection query, string name, out string? value)
    {
        value = null;
        if (!query.TryGetValue(name, out StringValues values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            return $"{name} may be given only once.";
        }

        value = values[0];
        return null;
    }
}
