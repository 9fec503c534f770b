using System.Globalization;

namespace GeminiLiveRelay.LoadTest;

/// <summary>Command-line options (see <see cref="Usage"/>).</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        GeminiLiveRelay.LoadTest: N simulated browsers streaming real-time audio through a /live v1 relay to an
        in-process mock Gemini that answers every utterance; reports latency per direction, lost/reordered frames,
        the relay's CPU, memory and GC, and errors.

          --sessions N          concurrent sessions (default 100, at most 4096)
          --ramp S              seconds over which sessions are opened (default 10)
          --duration S          seconds all sessions are held after the ramp (default 60)
          --warmup S            seconds after the ramp before steady-state figures start (default 10, at most duration/2)
          --frame-ms N          browser frame length, a multiple of 5, 15..100 (default 20)
          --encoding E          pcm16 | float32 (default pcm16)
          --rate HZ             browser sample rate, 48000 or 16000 (default 48000)
          --rate16k-share F     fraction of sessions sent at 16 kHz (relay pass-through) instead (default 0)
          --audio-back on|off   the mock answers with audio and transcripts (default on)
          --utterance S         seconds of input audio per utterance the mock answers (default 5)
          --reply S             seconds of audio per answer (default 3)
          --reply-chunk-ms N    audio per answer message (default 40)
          --reply-speed X       answers sent X times faster than real time (default 2)
          --relay-url URL       an already running relay, e.g. ws://127.0.0.1:8080/live (configure its Gemini
                                base URL to the mock: see --mock-port)
          --relay-pid PID       with --relay-url: sample that process's CPU and memory
          --start-relay DIR     start the published relay in DIR (dotnet publish src/GeminiLiveRelay -c Release -o DIR)
          --relay-env K=V       extra environment for --start-relay (repeatable)
          --mock-port N         port of the mock Gemini on 127.0.0.1 (default: any free port)
          --mock-transport T    inline | kestrel: the mock's Kestrel socket transport runs WebSocket reads inline on
                                the socket thread, as the relay's does (default inline; kestrel: Kestrel's defaults)
          --mock-tls            the mock serves TLS (wss, as Google does) with a throwaway certificate, which a relay
                                started by --start-relay trusts through SSL_CERT_FILE (with --relay-url, start that relay
                                with SSL_CERT_FILE set to the PEM file the tool prints)
          --pacers N            threads that hand frames to sockets in real time (default 1; more only with cores to spare)
          --json FILE           also write the report as JSON
          --label TEXT          a name for this run in the report

        GeminiLiveRelay.LoadTest alloc-report FILE.nettrace
          who allocated, by type and by stack, from a dotnet-trace recording of the relay made with
          --providers Microsoft-Windows-DotNETRuntime:0x1:5 (docs/performance.md, "Profiling")
        """;

    public int Sessions { get; init; } = 100;

    public double RampSeconds { get; init; } = 10;

    public double DurationSeconds { get; init; } = 60;

    public double WarmupSeconds { get; init; } = 10;

    public int FrameMs { get; init; } = 20;

    public bool Float32 { get; init; }

    public int SampleRate { get; init; } = 48000;

    public double Rate16kShare { get; init; }

    public bool AudioBack { get; init; } = true;

    public double UtteranceSeconds { get; init; } = 5;

    public double ReplySeconds { get; init; } = 3;

    public int ReplyChunkMs { get; init; } = 40;

    public double ReplySpeed { get; init; } = 2;

    public Uri? RelayUrl { get; init; }

    public int? RelayPid { get; init; }

    public string? StartRelay { get; init; }

    public IReadOnlyList<string> RelayEnvironment { get; init; } = [];

    public int MockPort { get; init; }

    /// <summary>The mock's sockets use the relay's transport settings (inline reads) rather than Kestrel's defaults.</summary>
    public bool MockInlineTransport { get; init; } = true;

    /// <summary>The mock serves TLS, so the relay's upstream leg encrypts every frame as it does against Google.</summary>
    public bool MockTls { get; init; }

    public int Pacers { get; init; } = 1;

    public string? JsonPath { get; init; }

    public string? Label { get; init; }

    public double EffectiveWarmup => Math.Min(WarmupSeconds, DurationSeconds / 2);

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        var env = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            options = name switch
            {
                "--sessions" => options with { Sessions = (int)Number() },
                "--ramp" => options with { RampSeconds = Number() },
                "--duration" => options with { DurationSeconds = Number() },
                "--warmup" => options with { WarmupSeconds = Number() },
                "--frame-ms" => options with { FrameMs = (int)Number() },
                "--encoding" => options with { Float32 = Next() switch { "pcm16" => false, "float32" => true, var e => throw new ArgumentException($"--encoding: pcm16 or float32, not {e}.") } },
                "--rate" => options with { SampleRate = (int)Number() },
                "--rate16k-share" => options with { Rate16kShare = Number() },
                "--audio-back" => options with { AudioBack = Next() switch { "on" => true, "off" => false, var e => throw new ArgumentException($"--audio-back: on or off, not {e}.") } },
                "--utterance" => options with { UtteranceSeconds = Number() },
                "--reply" => options with { ReplySeconds = Number() },
                "--reply-chunk-ms" => options with { ReplyChunkMs = (int)Number() },
                "--reply-speed" => options with { ReplySpeed = Number() },
                "--relay-url" => options with { RelayUrl = new Uri(Next()) },
                "--relay-pid" => options with { RelayPid = (int)Number() },
                "--start-relay" => options with { StartRelay = Next() },
                "--relay-env" => options with { RelayEnvironment = [.. options.RelayEnvironment, Next()] },
                "--mock-port" => options with { MockPort = (int)Number() },
                "--mock-transport" => options with { MockInlineTransport = Next() switch { "inline" => true, "kestrel" => false, var e => throw new ArgumentException($"--mock-transport: inline or kestrel, not {e}.") } },
                "--mock-tls" => options with { MockTls = true },
                "--pacers" => options with { Pacers = (int)Number() },
                "--json" => options with { JsonPath = Next() },
                "--label" => options with { Label = Next() },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        options.Validate();
        return options;
    }

    private void Validate()
    {
        if (Sessions is < 1 or > UpstreamCode.MaxSessions)
        {
            throw new ArgumentException($"--sessions must be 1..{UpstreamCode.MaxSessions}.");
        }

        if (FrameMs is < 15 or > 100 || FrameMs % 5 != 0)
        {
            throw new ArgumentException("--frame-ms must be a multiple of 5 between 15 and 100 (the frame code needs five segments of ≥ 3 ms).");
        }

        if (Pacers is < 1 or > 64)
        {
            throw new ArgumentException("--pacers must be 1..64.");
        }

        if (SampleRate is not (48000 or 16000))
        {
            throw new ArgumentException("--rate must be 48000 or 16000.");
        }

        if ((RelayUrl is null) == (StartRelay is null))
        {
            throw new ArgumentException("Give exactly one of --relay-url and --start-relay.");
        }

        if (Rate16kShare is < 0 or > 1 || RampSeconds < 0 || DurationSeconds <= 0 || ReplySpeed <= 0 || UtteranceSeconds <= 0)
        {
            throw new ArgumentException("--rate16k-share is 0..1; --ramp ≥ 0; --duration, --reply-speed and --utterance > 0.");
        }
    }
}
