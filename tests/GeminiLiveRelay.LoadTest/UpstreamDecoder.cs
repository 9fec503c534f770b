using System.Buffers.Binary;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// Reads the <see cref="UpstreamCode"/> back from one connection's 16 kHz stream as Gemini receives it, whatever the
/// relay's chunking: it keeps the stream position and samples each segment where its level is flat.
/// </summary>
internal sealed class UpstreamDecoder(int frameSamples16k)
{
    private readonly int _segment = frameSamples16k / UpstreamCode.Segments;
    private readonly int[] _values = new int[UpstreamCode.Segments];
    private long _position;

    public delegate void FrameHandler(bool valid, int session, int sequence);

    /// <summary>Feeds the next audio message; <paramref name="onFrame"/> runs for each frame completed in it.</summary>
    public void Feed(ReadOnlySpan<byte> pcm16k, FrameHandler onFrame)
    {
        var samples = pcm16k.Length / 2;
        var end = _position + samples;
        var read = Math.Min((_segment / 2) + UpstreamCode.FilterDelaySamples16k, _segment - 1);
        for (var frame = _position / frameSamples16k; frame * frameSamples16k < end; frame++)
        {
            for (var j = 0; j < UpstreamCode.Segments; j++)
            {
                var at = (frame * frameSamples16k) + (j * _segment) + read;
                if (at < _position || at >= end)
                {
                    continue;
                }

                var sample = BinaryPrimitives.ReadInt16LittleEndian(pcm16k[(int)(2 * (at - _position))..]);
                _values[j] = UpstreamCode.Quantize(sample);
                if (j == UpstreamCode.Segments - 1)
                {
                    var valid = UpstreamCode.TryDecode(_values, out var session, out var sequence);
                    onFrame(valid, session, sequence);
                }
            }
        }

        _position = end;
    }
}
