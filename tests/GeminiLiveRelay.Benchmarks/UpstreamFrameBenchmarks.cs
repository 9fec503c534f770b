using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using GeminiLiveRelay.Audio;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Relay;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeminiLiveRelay.Benchmarks;

// The per-frame upstream path short of the sockets: a 20 ms browser frame at 48 kHz is converted and chunked
// (UpstreamAudioChunker, one rented 640-byte chunk), encoded as realtimeInput JSON with base64 written straight into
// the writer's reused buffer (GeminiMessageWriter.Audio), and sent by GeminiSession (send lock, stall watchdog stamp)
// over a WebSocket whose send completes at once. Target: 0 B per frame.
[MemoryDiagnoser]
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "BenchmarkDotNet only runs public classes.")]
[SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "Lives for the benchmark process.")]
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet owns the instance for the process lifetime.")]
public class UpstreamFrameBenchmarks
{
    private readonly UpstreamAudioChunker _chunker = new(new InputAudioConverter(48000, SampleEncoding.Pcm16, 1));
    private readonly GeminiMessageWriter _writer = new();
    private readonly byte[] _frame48k = Tone48k();
    private readonly byte[] _chunk20ms = new byte[UpstreamAudioChunker.MinChunkBytes];
    private readonly byte[] _chunk100ms = new byte[UpstreamAudioChunker.MaxChunkBytes];
    private readonly GeminiSession _session = new(
        new GeminiSocket(new ScriptedWebSocket()), "models/bench", NullLogger.Instance, TimeSpan.FromSeconds(10), new SessionClock(NullLogger<SessionClock>.Instance));

    [Benchmark(Description = "GeminiMessageWriter.Audio, 20 ms (640 B -> JSON)")]
    public int EncodeAudio20ms() => _writer.Audio(_chunk20ms).Length;

    [Benchmark(Description = "GeminiMessageWriter.Audio, 100 ms (3200 B -> JSON)")]
    public int EncodeAudio100ms() => _writer.Audio(_chunk100ms).Length;

    [Benchmark(Description = "48k frame -> chunker -> realtimeInput JSON")]
    public int FrameToJson()
    {
        _chunker.Append(_frame48k);
        var length = 0;
        while (_chunker.TryTake(flush: false, out var rented, out var chunk))
        {
            length += _writer.Audio(rented.AsSpan(0, chunk)).Length;
            FrameBuffers.Pool.Return(rented);
        }

        return length;
    }

    [Benchmark(Description = "GeminiSession.SendAudioAsync, 20 ms (sync send)")]
    public ValueTask SendAudio() => _session.SendAudioAsync(_chunk20ms, CancellationToken.None);

    private static byte[] Tone48k()
    {
        var frame = new byte[960 * 2];
        for (var i = 0; i < 960; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(frame.AsSpan(2 * i), (short)(12000 * Math.Sin(2 * Math.PI * 440 * i / 48000)));
        }

        return frame;
    }
}
