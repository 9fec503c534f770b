namespace GeminiLiveRelay.Audio;

/// <summary>
/// Converts browser microphone frames (any rate 8000..192000 Hz, PCM16 or Float32 little-endian, mono or
/// interleaved stereo) to the PCM16 little-endian mono 16 kHz that Gemini Live expects. One instance per
/// session: it carries resampler state across frames. Allocates nothing per call. Not thread-safe.
/// </summary>
internal sealed class InputAudioConverter
{
    /// <summary>The output sample rate, in Hz.</summary>
    public const int TargetRate = 16000;

    private const int MinInputRate = 8000;
    private const int MaxInputRate = 192000;

    // Scratch covers 1024 sample frames (a 20 ms browser frame is 960 at 48 kHz): ~5 KB per session, held for its
    // life. Larger inputs are converted in blocks, which is seamless because the resampler streams.
    private const int BlockFrames = 1024;

    private readonly SampleEncoding _encoding;
    private readonly int _channels;
    private readonly PolyphaseResampler? _resampler;
    private readonly float[] _mono = [];
    private readonly float[] _resampled = [];

    /// <summary>Creates a converter for one stream's declared input format.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is outside 8000..192000 Hz, the channel count is
    /// not 1 or 2, or the encoding is unknown.</exception>
    public InputAudioConverter(int inputRate, SampleEncoding encoding, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputRate, MinInputRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputRate, MaxInputRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, 2);
        if (!Enum.IsDefined(encoding))
        {
            throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown sample encoding.");
        }

        InputRate = inputRate;
        _encoding = encoding;
        _channels = channels;
        BytesPerSampleFrame = (encoding == SampleEncoding.Pcm16 ? 2 : 4) * channels;
        IsPassthrough = inputRate == TargetRate && encoding == SampleEncoding.Pcm16 && channels == 1;
        if (IsPassthrough)
        {
            return;
        }

        _mono = new float[BlockFrames];
        if (inputRate != TargetRate)
        {
            _resampler = new PolyphaseResampler(inputRate, TargetRate);
            _resampled = new float[_resampler.MaxOutputSamples(BlockFrames)];
        }
    }

    /// <summary>The declared input sample rate, in Hz.</summary>
    public int InputRate { get; }

    /// <summary>Bytes in one sample frame: 2 (PCM16) or 4 (Float32) times the channel count.</summary>
    public int BytesPerSampleFrame { get; }

    /// <summary>True for 16 kHz PCM16 mono input, which is copied through untouched.</summary>
    public bool IsPassthrough { get; }

    /// <summary>Added latency of the resampling filter in milliseconds (0 at 16 kHz).</summary>
    public double LatencyMilliseconds => _resampler?.LatencyMilliseconds ?? 0;

    /// <summary>
    /// Upper bound on the bytes <see cref="Convert"/> writes for <paramref name="inputBytes"/> bytes of input,
    /// independent of the stream's state, so callers can size one output buffer up front.
    /// </summary>
    public int MaxOutputBytes(int inputBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputBytes);
        if (IsPassthrough)
        {
            return inputBytes;
        }

        var frames = inputBytes / BytesPerSampleFrame;
        return 2 * (_resampler?.MaxOutputSamples(frames) ?? frames);
    }

    /// <summary>
    /// Converts one frame of input to PCM16 little-endian mono 16 kHz.
    /// </summary>
    /// <returns>The number of bytes written to <paramref name="output"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not a whole number of sample frames, or
    /// <paramref name="output"/> is shorter than <see cref="MaxOutputBytes"/> of the input length.</exception>
    public int Convert(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length % BytesPerSampleFrame != 0)
        {
            throw new ArgumentException(
                $"Input length {input.Length} is not a multiple of the {BytesPerSampleFrame}-byte sample frame.",
                nameof(input));
        }

        if (output.Length < MaxOutputBytes(input.Length))
        {
            throw new ArgumentException("Output is shorter than MaxOutputBytes(input.Length).", nameof(output));
        }

        if (IsPassthrough)
        {
            input.CopyTo(output);
            return input.Length;
        }

        var written = 0;
        var blockBytes = BlockFrames * BytesPerSampleFrame;
        while (!input.IsEmpty)
        {
            var chunk = input[..Math.Min(blockBytes, input.Length)];
            input = input[chunk.Length..];
            var frames = PcmCodec.DecodeToMono(chunk, _encoding, _channels, _mono);
            ReadOnlySpan<float> samples = _mono.AsSpan(0, frames);
            if (_resampler is not null)
            {
                var produced = _resampler.Process(samples, _resampled);
                samples = _resampled.AsSpan(0, produced);
            }

            written += PcmCodec.EncodePcm16(samples, output[written..]);
        }

        return written;
    }
}
