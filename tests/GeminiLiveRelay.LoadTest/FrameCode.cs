using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// Marks each upstream audio frame with its session and sequence number in a form that survives the relay's
/// resampling: the frame is cut into five equal segments, each held at one of 64 DC levels 1024 apart (session low
/// and high 6 bits, sequence low and high 6 bits, a check value). The relay's 48→16 kHz filter is linear-phase with a
/// DC gain of 1 (±0.001 dB) and spans ~29 output samples, so the middle of each segment comes out at its level within
/// a few LSB; the mock reads it back from the 16 kHz audio Gemini would get. At 16 kHz (pass-through) it is exact.
/// </summary>
internal static class UpstreamCode
{
    public const int Segments = 5;
    public const int SequenceModulus = 4096;
    public const int MaxSessions = 4096;

    // The 48 kHz filter's newest-to-oldest span is ~29 output samples and its delay ~14: the flat part of a
    // segment of S samples is [29, S); reading at S/2 + 14 stays inside it for S ≥ 48 (frames ≥ 15 ms).
    public const int FilterDelaySamples16k = 14;

    public static void Values(int session, int sequence, Span<int> values)
    {
        var seq = sequence & (SequenceModulus - 1);
        values[0] = session & 63;
        values[1] = (session >> 6) & 63;
        values[2] = seq & 63;
        values[3] = (seq >> 6) & 63;
        values[4] = Check(values[0], values[1], values[2], values[3]);
    }

    public static int Level(int value) => ((value - 32) * 1024) + 512;

    /// <summary>The 6-bit value nearest to a sample, or -1 when it is not within 300 LSB of a level.</summary>
    public static int Quantize(int sample)
    {
        var scaled = sample - 512 + (32 * 1024);
        var value = (int)Math.Round(scaled / 1024.0);
        return value is >= 0 and < 64 && Math.Abs(scaled - (value * 1024)) <= 300 ? value : -1;
    }

    public static bool TryDecode(ReadOnlySpan<int> values, out int session, out int sequence)
    {
        session = values[0] | (values[1] << 6);
        sequence = values[2] | (values[3] << 6);
        foreach (var value in values)
        {
            if (value < 0)
            {
                return false;
            }
        }

        return values[4] == Check(values[0], values[1], values[2], values[3]);
    }

    /// <summary>Writes one frame of <paramref name="samples"/> mono samples (pcm16 or float32 LE).</summary>
    public static void WriteFrame(Span<byte> frame, int samples, bool float32, int session, int sequence)
    {
        // The pacer writes 25,000 frames a second at 500 sessions on its own thread: each segment is one vector fill
        // (a per-sample loop was 5 % of the tool's CPU, time the pacer then lacked to keep real time).
        Span<int> values = stackalloc int[Segments];
        Values(session, sequence, values);
        var segment = samples / Segments;
        for (var j = 0; j < Segments; j++)
        {
            var start = j * segment;
            var count = j == Segments - 1 ? samples - start : segment;
            var level = Level(values[j]);
            if (float32)
            {
                MemoryMarshal.Cast<byte, float>(frame).Slice(start, count).Fill(level / 32768f);
            }
            else
            {
                MemoryMarshal.Cast<byte, short>(frame).Slice(start, count).Fill((short)level);
            }
        }
    }

    private static int Check(int a, int b, int c, int d) => (a + (3 * b) + (5 * c) + (7 * d) + 11) & 63;
}

/// <summary>
/// The first 24 bytes of each 24 kHz reply chunk the mock sends: a magic number, the session, the chunk's sequence
/// number on that connection and the mock's send time (Stopwatch ticks; mock and clients share one process and
/// clock). The relay must forward model audio byte for byte, so the client reads it back unchanged.
/// </summary>
internal static class DownstreamHeader
{
    public const int Size = 24;
    private const uint Magic = 0x4E44544C; // "LTDN"

    public static void Write(Span<byte> chunk, int session, long sequence, long timestamp)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(chunk, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(chunk[4..], session);
        BinaryPrimitives.WriteInt64LittleEndian(chunk[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(chunk[16..], timestamp);
    }

    public static bool TryRead(ReadOnlySpan<byte> chunk, out int session, out long sequence, out long timestamp)
    {
        session = 0;
        sequence = timestamp = 0;
        if (chunk.Length < Size || BinaryPrimitives.ReadUInt32LittleEndian(chunk) != Magic)
        {
            return false;
        }

        session = BinaryPrimitives.ReadInt32LittleEndian(chunk[4..]);
        sequence = BinaryPrimitives.ReadInt64LittleEndian(chunk[8..]);
        timestamp = BinaryPrimitives.ReadInt64LittleEndian(chunk[16..]);
        return true;
    }
}
