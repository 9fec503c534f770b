using System.Buffers.Binary;
using System.Globalization;
using System.Threading.Channels;
using GeminiLiveRelay.Audio;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Echo;

/// <summary>
/// The offline stand-in behind the same seam as Gemini, so the product runs with no key and no network: each
/// utterance (ended by the energy gate, <c>activityEnd</c> or <c>audioStreamEnd</c>) is played back at 24 kHz with an
/// <c>outputTranscript</c> saying how long it was; a typed turn is echoed as text. It is not the test mock.
/// </summary>
internal sealed class EchoSession : IGeminiSession
{
    private const int InputRate = 16000;
    private const int OutputRate = 24000;
    private const int MaxUtteranceBytes = InputRate * 2 * 15;
    private const int OutputChunkBytes = OutputRate * 2 / 25; // 40 ms, like the service's pacing

    private readonly Channel<object> _input = Channel.CreateBounded<object>(
        new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });

    private readonly EnergyGate _gate = new();
    private readonly MemoryStream _utterance = new();

    public string Backend => "echo";

    public string Model => "echo";

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken) =>
        _input.Writer.WriteAsync(pcm16k.ToArray(), cancellationToken);

    public ValueTask SendTextAsync(string text, CancellationToken cancellationToken) =>
        _input.Writer.WriteAsync(text, cancellationToken);

    public ValueTask SendSignalAsync(ClientSignal signal, CancellationToken cancellationToken) =>
        _input.Writer.WriteAsync(signal, cancellationToken);

    // The echo backend has no eyes and no tools: frames and tool responses are accepted and ignored.
    public ValueTask SendImageAsync(string mimeType, string base64, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask SendToolResponseAsync(IReadOnlyList<Tools.ToolResponse> responses, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public async Task<UpstreamClose> RunAsync(IGeminiEventSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        await foreach (var item in _input.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (item)
            {
                case byte[] audio:
                    var wasSpeaking = _gate.InUtterance;
                    var ended = _gate.Feed(audio);
                    if (_gate.InUtterance || wasSpeaking)
                    {
                        AppendUtterance(audio);
                    }

                    if (ended || _utterance.Length >= MaxUtteranceBytes)
                    {
                        await ReplyWithUtteranceAsync(sink, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case ClientSignal.ActivityEnd or ClientSignal.AudioStreamEnd when _utterance.Length > 0:
                    await ReplyWithUtteranceAsync(sink, cancellationToken).ConfigureAwait(false);
                    break;
                case string text:
                    await sink.OnEventAsync(new OutputTranscript("echo: " + text), cancellationToken).ConfigureAwait(false);
                    await sink.OnEventAsync(GenerationComplete.Instance, cancellationToken).ConfigureAwait(false);
                    await sink.OnEventAsync(TurnComplete.Instance, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        return new UpstreamClose(1000, "echo session closed");
    }

    public ValueTask DisposeAsync()
    {
        _input.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private void AppendUtterance(byte[] audio)
    {
        if (_utterance.Length < MaxUtteranceBytes)
        {
            _utterance.Write(audio, 0, (int)Math.Min(audio.Length, MaxUtteranceBytes - _utterance.Length));
        }
    }

    private async Task ReplyWithUtteranceAsync(IGeminiEventSink sink, CancellationToken cancellationToken)
    {
        var pcm = _utterance.ToArray();
        _utterance.SetLength(0);
        _gate.Reset();
        var reply = Upsample(pcm);
        for (var offset = 0; offset < reply.Length; offset += OutputChunkBytes)
        {
            var length = Math.Min(OutputChunkBytes, reply.Length - offset);
            await sink.OnAudioAsync(reply.AsMemory(offset, length), cancellationToken).ConfigureAwait(false);
        }

        var seconds = pcm.Length / 2.0 / InputRate;
        var transcript = string.Create(CultureInfo.InvariantCulture, $"echo: {seconds:0.0} s of audio");
        await sink.OnEventAsync(new OutputTranscript(transcript), cancellationToken).ConfigureAwait(false);
        await sink.OnEventAsync(GenerationComplete.Instance, cancellationToken).ConfigureAwait(false);
        await sink.OnEventAsync(TurnComplete.Instance, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Upsample(byte[] pcm16k)
    {
        var input = new float[pcm16k.Length / 2];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm16k.AsSpan(2 * i)) / 32768f;
        }

        var resampler = new PolyphaseResampler(InputRate, OutputRate);
        var output = new float[resampler.MaxOutputSamples(input.Length)];
        var count = resampler.Process(input, output);
        var bytes = new byte[count * 2];
        for (var i = 0; i < count; i++)
        {
            var clamped = Math.Clamp(output[i] * 32768f, short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), (short)MathF.Round(clamped));
        }

        return bytes;
    }
}
