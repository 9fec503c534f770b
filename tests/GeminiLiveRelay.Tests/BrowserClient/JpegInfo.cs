namespace GeminiLiveRelay.Tests.BrowserClient;

/// <summary>Just enough of JPEG to check a camera frame: the signature and the size in its start-of-frame header.</summary>
internal static class JpegInfo
{
    public static bool HasSignature(ReadOnlySpan<byte> jpeg) => jpeg.Length > 3 && jpeg[0] == 0xFF && jpeg[1] == 0xD8 && jpeg[2] == 0xFF;

    /// <summary>Width and height from the first SOFn segment (baseline SOF0, progressive SOF2, …).</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> jpeg)
    {
        if (!HasSignature(jpeg))
        {
            throw new FormatException("Not a JPEG: no FF D8 FF signature.");
        }

        var i = 2;
        while (i + 3 < jpeg.Length)
        {
            if (jpeg[i] != 0xFF)
            {
                throw new FormatException($"Expected a marker at byte {i}.");
            }

            var marker = jpeg[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }

            if (marker is (>= 0xD0 and <= 0xD7) or 0x01)
            {
                i += 2; // markers without a length
                continue;
            }

            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width.
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC) && i + 8 < jpeg.Length)
            {
                return ((jpeg[i + 7] << 8) | jpeg[i + 8], (jpeg[i + 5] << 8) | jpeg[i + 6]);
            }

            if (marker == 0xDA)
            {
                break; // start of scan: no frame header before the image data
            }

            i += 2 + length;
        }

        throw new FormatException("No start-of-frame segment.");
    }
}
