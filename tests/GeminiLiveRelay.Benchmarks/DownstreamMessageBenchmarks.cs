using System.Diagnostics.CodeAnalysis;
using System.Text;
using BenchmarkDotNet.Attributes;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Relay;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeminiLiveRelay.Benchmarks;

// The per-message downstream path: a serverContent message carrying 40 ms of 24 kHz audio (1920 bytes, as base64)
// parsed by GeminiServerMessageParser into the reused GeminiServerMessage; and the whole Gemini reader of
// GeminiSession (receive into its pooled buffer, parse, dispatch to the sink) when the receive completes
// asynchronously, as it does on a real socket, with a sink that does what RelaySession.OnAudioAsync does with the
// bytes (rent, copy, queue, return). Target: 0 B per audio message; transcripts allocate their string (by design).
[MemoryDiagnoser]
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "BenchmarkDotNet only runs public classes.")]
[SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "Lives for the benchmark process.")]
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet owns the instance for the process lifetime.")]
public class DownstreamMessageBenchmarks
{
    private readonly GeminiServerMessage _message = new();
    private readonly byte[] _compact = AudioMessage(indented: false, escapeBase64: false);
    private readonly byte[] _indented = AudioMessage(indented: true, escapeBase64: false);
    private readonly byte[] _escaped = AudioMessage(indented: true, escapeBase64: true);
    private readonly byte[] _transcript = Encoding.UTF8.GetBytes("""{"serverContent":{"outputTranscription":{"text":"and this is the model's answer "}}}""");
    private ScriptedWebSocket _upstream = null!;
    private Task? _reader;
    private CopyingSink _sink = null!;
    private SessionClock _clock = null!;

    [GlobalSetup]
    public void Setup()
    {
        _upstream = new ScriptedWebSocket();
        _sink = new CopyingSink();
        _clock = new SessionClock(NullLogger<SessionClock>.Instance);
        var session = new GeminiSession(new GeminiSocket(_upstream), "models/bench", NullLogger.Instance, TimeSpan.FromSeconds(10), _clock);
        _reader = session.RunAsync(_sink, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _upstream.DeliverClose();
        _reader?.GetAwaiter().GetResult();
        _clock.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Parse 40 ms audio, compact JSON")]
    public int ParseCompact()
    {
        GeminiServerMessageParser.Parse(_compact, _message);
        return _message.Audio.Length;
    }

    [Benchmark(Description = "Parse 40 ms audio, indented (as the service sends)")]
    public int ParseIndented()
    {
        GeminiServerMessageParser.Parse(_indented, _message);
        return _message.Audio.Length;
    }

    [Benchmark(Description = "Parse 40 ms audio, '+' escaped as \\u002B")]
    public int ParseEscaped()
    {
        GeminiServerMessageParser.Parse(_escaped, _message);
        return _message.Audio.Length;
    }

    [Benchmark(Description = "Parse outputTranscription (allocates its text)")]
    public int ParseTranscript()
    {
        GeminiServerMessageParser.Parse(_transcript, _message);
        return _message.OutputTranscript?.Length ?? 0;
    }

    [Benchmark(Description = "GeminiSession reader: receive (async) + parse + dispatch 40 ms audio")]
    public long ReceiveParseDispatch()
    {
        _upstream.Deliver(_indented);
        return _sink.Bytes;
    }

    private static byte[] AudioMessage(bool indented, bool escapeBase64)
    {
        var pcm = new byte[1920];
        new Random(7).NextBytes(pcm);
        var data = Convert.ToBase64String(pcm);
        if (escapeBase64)
        {
            data = data.Replace("+", "\\u002B", StringComparison.Ordinal);
        }

        var json = "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"" + data + "\"}}]}}}";
        if (indented)
        {
            json = System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString(new System.Text.Json.JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = escapeBase64 ? null : System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            });
        }

        return Encoding.UTF8.GetBytes(json);
    }

    // What RelaySession.OnAudioAsync does with model audio before the browser send loop takes it.
    private sealed class CopyingSink : IGeminiEventSink
    {
        public long Bytes { get; private set; }

        public ValueTask OnAudioAsync(ReadOnlyMemory<byte> pcm24k, CancellationToken cancellationToken)
        {
            var rented = FrameBuffers.Pool.Rent(pcm24k.Length);
            pcm24k.Span.CopyTo(rented);
            Bytes += pcm24k.Length;
            FrameBuffers.Pool.Return(rented);
            return default;
        }

        public ValueTask OnEventAsync(GeminiEvent geminiEvent, CancellationToken cancellationToken) => default;
    }
}
