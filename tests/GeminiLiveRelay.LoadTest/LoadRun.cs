using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// One run: mock up, relay up (or given), sessions opened over the ramp, held, measured over the steady-state window
/// (after the ramp and a warm-up), then audio stopped, in-flight frames drained, counts compared, sessions closed.
/// </summary>
internal sealed class LoadRun(LoadOptions options)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private readonly LoadMetrics _metrics = new();
    private readonly List<string> _errors = [];
    private int _connectFailures;

    public async Task<LoadReport> RunAsync(CancellationToken cancellationToken)
    {
        var startedUtc = DateTime.UtcNow;
        var loadStart = MachineInfo.LoadAverage();
        var machine = MachineInfo.Read();
        await using var mock = await MockSide.StartAsync(options, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"mock Gemini at {mock.BaseUrl}");
        if (mock.TrustFile is { } trust)
        {
            Console.WriteLine($"mock Gemini's certificate (the relay's SSL_CERT_FILE): {trust}");
        }

        RelayProcess? relay = null;
        try
        {
            Uri live;
            int? pid;
            Uri? metricsUrl;
            if (options.StartRelay is { } folder)
            {
                IReadOnlyList<string> environment = mock.TrustFile is { } pem ? [$"SSL_CERT_FILE={pem}", .. options.RelayEnvironment] : options.RelayEnvironment;
                relay = await RelayProcess.StartAsync(folder, mock.BaseUrl, environment, cancellationToken).ConfigureAwait(false);
                live = new UriBuilder(relay.BaseUrl) { Scheme = "ws", Path = "/live" }.Uri;
                pid = relay.Pid;
                metricsUrl = new Uri(relay.BaseUrl, "/metrics");
                Console.WriteLine($"relay pid {pid} at {live}");
            }
            else
            {
                live = options.RelayUrl!;
                pid = options.RelayPid;
                metricsUrl = new UriBuilder(live) { Scheme = live.Scheme == "wss" ? "https" : "http", Path = "/metrics" }.Uri;
            }

            await using var monitor = new RelayMonitor(pid, metricsUrl);
            monitor.Start();
            // Idle figure after start-up's JIT has mostly settled; it includes this monitor's own /metrics scrapes.
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            var idleStart = await monitor.SampleNowAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            var baseline = await monitor.SampleNowAsync(cancellationToken).ConfigureAwait(false);
            var idleCpu = RelayFigures.Cpu(idleStart.Process, baseline.Process) ?? 0;
            var toolCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var report = await DriveAsync(mock, live, monitor, baseline, cancellationToken).ConfigureAwait(false);
            var toolCpu = (Process.GetCurrentProcess().TotalProcessorTime - toolCpuStart).TotalSeconds;

            // After every session closed: does the relay give memory back?
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            var after = await monitor.SampleNowAsync(cancellationToken).ConfigureAwait(false);
            var relayResult = report.Relay is { } r && after.Process is { } p ? r with { RssAfterCloseMb = p.RssBytes / 1048576.0, IdleCpuPercent = idleCpu } : report.Relay;
            if (relay is not null && relayResult is not null)
            {
                relayResult = relayResult with { ErrorLogLines = relay.ErrorLines };
                foreach (var line in relay.LastLines.Where(l => l.Contains("\"@l\":\"Error\"", StringComparison.Ordinal)).Take(5))
                {
                    _errors.Add("relay log: " + line);
                }
            }

            return report with
            {
                Label = options.Label ?? $"{options.Sessions} sessions",
                StartedUtc = startedUtc,
                Machine = machine,
                LoadAverageStart = loadStart,
                LoadAverageEnd = MachineInfo.LoadAverage(),
                Relay = relayResult,
                LoadTool = report.LoadTool with { CpuPercentOfOneCore = toolCpu / monitor.Elapsed * 100 },
                Errors = [.. _errors],
            };
        }
        finally
        {
            if (relay is not null)
            {
                await relay.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<LoadReport> DriveAsync(MockSide mock, Uri live, RelayMonitor monitor, (ProcessSample? Process, RuntimeSample? Runtime) baseline, CancellationToken cancellationToken)
    {
        using var pacer = new FramePacer(options.Pacers);
        var sessions = new LoadSession[options.Sessions];
        var receiving = new Task[options.Sessions];
        var starting = new Task[options.Sessions];
        var sessions16k = (int)Math.Round(options.Sessions * options.Rate16kShare);
        var rampStart = Stopwatch.GetTimestamp();
        var series = new List<SeriesPoint>();
        var progress = Stopwatch.GetTimestamp();
        for (var i = 0; i < options.Sessions; i++)
        {
            // 16 kHz sessions (if any) are spread evenly among the 48 kHz ones.
            var rate = sessions16k > 0 && (i * sessions16k / options.Sessions) != ((i + 1) * sessions16k / options.Sessions) ? 16000 : options.SampleRate;
            var session = new LoadSession(i, rate, options.Float32, options.FrameMs, _metrics);
            sessions[i] = session;
            mock.Register(session);
            starting[i] = StartSessionAsync(session, live, pacer, receiving, cancellationToken);
            var due = rampStart + (long)(options.RampSeconds * Stopwatch.Frequency * (i + 1) / options.Sessions);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            if (Stopwatch.GetElapsedTime(progress) > TimeSpan.FromSeconds(10))
            {
                progress = Stopwatch.GetTimestamp();
                Console.WriteLine($"  ramp: {i + 1} sessions opened, {sessions.Count(s => s?.Ready.IsCompletedSuccessfully == true)} ready");
            }
        }

        await Task.WhenAll(starting).WaitAsync(ReadyTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var holdStart = Stopwatch.GetTimestamp();
        var ready = sessions.Count(s => s.Ready.IsCompletedSuccessfully);
        Console.WriteLine($"ramp done in {Stopwatch.GetElapsedTime(rampStart).TotalSeconds:0.0} s: {ready} of {options.Sessions} sessions ready");

        // Hold: warm-up, then the steady-state window; a progress line every 10 s.
        var warmupEnd = holdStart + (long)(options.EffectiveWarmup * Stopwatch.Frequency);
        var holdEnd = holdStart + (long)(options.DurationSeconds * Stopwatch.Frequency);
        await DelayUntilAsync(warmupEnd, cancellationToken).ConfigureAwait(false);
        var windowStart = await monitor.SampleNowAsync(cancellationToken).ConfigureAwait(false);
        var framesAtStart = Frames(sessions);
        var machineAtStart = MachineInfo.ReadCpuTimes();
        var machineLast = machineAtStart;
        _metrics.Recording = true;
        var last = windowStart;
        while (Stopwatch.GetTimestamp() < holdEnd)
        {
            await DelayUntilAsync(Math.Min(holdEnd, Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency)), cancellationToken).ConfigureAwait(false);
            var now = await monitor.SampleNowAsync(cancellationToken).ConfigureAwait(false);
            var cpu = RelayFigures.Cpu(last.Process, now.Process);
            var streaming = sessions.Count(s => s.Ready.IsCompletedSuccessfully && !s.Failed);
            var runtime = now.Runtime ?? last.Runtime;
            series.Add(new SeriesPoint(Math.Round(monitor.Elapsed, 1), streaming, cpu, now.Process?.RssBytes / 1048576.0, runtime?.HeapBytes / 1048576.0,
                runtime?.HeapByGeneration.ToDictionary(g => g.Key, g => Math.Round(g.Value / 1048576.0, 1)),
                runtime is null ? null : [runtime.Gen0, runtime.Gen1, runtime.Gen2], runtime?.LiveBytes / 1048576.0));
            var machineNow = MachineInfo.ReadCpuTimes();
            var steal = CpuTimes.Between(machineLast, machineNow)?.StealPercent;
            machineLast = machineNow;
            var up = _metrics.Upstream.Summarize();
            var down = _metrics.Downstream.Summarize();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  t={Stopwatch.GetElapsedTime(holdStart).TotalSeconds,5:0}s sessions {streaming}, relay CPU {cpu:0.0} %, RSS {now.Process?.RssBytes / 1048576.0:0} MB, up p99 {up.P99:0.00} ms, down p99 {down.P99:0.00} ms, load {MachineInfo.LoadAverage()}, steal {(steal is { } stolen ? $"{stolen:0.0} %" : "n/a")}"));
            last = now.Runtime is null ? (now.Process, last.Runtime) : now;
        }

        _metrics.Recording = false;
        var windowEnd = await monitor.SampleNowAsync(cancellationToken).ConfigureAwait(false);
        var framesAtEnd = Frames(sessions);
        var machineCpu = CpuTimes.Between(machineAtStart, MachineInfo.ReadCpuTimes());
        var windowSeconds = Stopwatch.GetElapsedTime(warmupEnd).TotalSeconds;

        // Stop the microphones; let frames in flight and the answer being spoken arrive, then compare counts.
        foreach (var session in sessions)
        {
            session.StopStreaming();
        }

        var drained = await DrainAsync(sessions, TimeSpan.FromSeconds(2 + (options.ReplySeconds / options.ReplySpeed)), cancellationToken).ConfigureAwait(false);
        var held = sessions.Count(s => s.Ready.IsCompletedSuccessfully && !s.Failed && s.CloseStatus is null);
        // The relay's own audio totals after the drain (it reports them every 250 ms): with a loss, they show whether
        // the audio stopped before the relay or after it.
        var afterDrain = (await monitor.SampleNowAsync(cancellationToken).ConfigureAwait(false)).Runtime;
        var upstream = Upstream(sessions, mock) with
        {
            RelayForwarded = Forwarded(baseline.Runtime?.AudioInSeconds, afterDrain?.AudioInSeconds, options.FrameMs),
        };
        var downstream = Downstream(sessions) with
        {
            RelayForwarded = Forwarded(baseline.Runtime?.AudioOutSeconds, afterDrain?.AudioOutSeconds, options.ReplyChunkMs),
        };
        NameLosingSessions(sessions);
        var violations = mock.Violations();
        if (violations.First is { } first)
        {
            _errors.Add($"mock: {violations.Count} protocol violations; first: {(first.Length > 300 ? first[..300] + "…" : first)}");
        }

        using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        closing.CancelAfter(TimeSpan.FromSeconds(20));
        await Task.WhenAll(sessions.Select(s => s.CloseAsync(closing.Token))).ConfigureAwait(false);
        await Task.WhenAll(receiving.Where(t => t is not null)).WaitAsync(TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var unexpected = sessions.Count(s => s.Ready.IsCompletedSuccessfully && s.CloseStatus is not null and not WebSocketCloseStatus.NormalClosure);
        foreach (var session in sessions.Where(s => s.FirstError is not null).Take(10))
        {
            _errors.Add($"session {session.Index}: {session.FirstError}");
        }

        foreach (var session in sessions)
        {
            session.Dispose();
        }

        var counts = new SessionCounts(options.Sessions, ready, held, _connectFailures,
            sessions.Count(s => s.Failed), sessions.Sum(s => s.ErrorEvents), unexpected, sessions.Sum(s => s.TurnsCompleted));
        var settings = new RunSettings(options.Sessions, options.RampSeconds, options.DurationSeconds, options.EffectiveWarmup,
            Math.Round(windowSeconds, 1), options.FrameMs, options.Float32 ? "float32" : "pcm16", options.SampleRate, sessions16k,
            options.AudioBack, options.UtteranceSeconds, options.ReplySeconds, options.ReplyChunkMs, options.ReplySpeed,
            live.ToString(), options.StartRelay is null ? "external" : "child process", options.Pacers,
            (options.MockInlineTransport ? "inline" : "kestrel") + (options.MockTls ? " + TLS" : string.Empty), drained);
        return new LoadReport
        {
            Label = string.Empty,
            StartedUtc = default,
            Machine = null!,
            LoadAverageStart = string.Empty,
            LoadAverageEnd = string.Empty,
            MachineCpu = machineCpu,
            Settings = settings,
            Sessions = counts,
            Upstream = upstream,
            Downstream = downstream,
            Relay = RelayFigures.From(baseline, windowStart, windowEnd, windowSeconds, ready, framesAtEnd - framesAtStart, monitor),
            LoadTool = new LoadToolResult(0, _metrics.PacerLag.Summarize()),
            MockViolations = violations.Count,
            Errors = [],
            Series = series,
        };
    }

    private async Task StartSessionAsync(LoadSession session, Uri live, FramePacer pacer, Task[] receiving, CancellationToken cancellationToken)
    {
        try
        {
            await session.ConnectAsync(live, cancellationToken).ConfigureAwait(false);
            receiving[session.Index] = session.ReceiveAsync(cancellationToken);
            await session.Ready.WaitAsync(ReadyTimeout, cancellationToken).ConfigureAwait(false);
            pacer.Add(session);
            session.StartStreaming();
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or InvalidOperationException or HttpRequestException)
        {
            Interlocked.Increment(ref _connectFailures);
            session.Fail("connect: " + ex.Message);
        }
    }

    private static long Frames(LoadSession[] sessions) =>
        sessions.Sum(s => s.FramesSent + Interlocked.Read(ref s.DownChunksReceived));

    /// <summary>
    /// Waits at least <paramref name="minimum"/> (the answer being spoken finishes), then until every frame and chunk
    /// sent has arrived, or nothing has moved for 3 s, or 30 s (at least the minimum + 3 s) have passed; returns how
    /// long it waited. A fixed wait counted a frame as lost on a saturated host where the tool's own threads were ~2 s
    /// behind (docs/performance.md, round 6): "lost" must mean the relay did not deliver it, not that the count came
    /// too early.
    /// </summary>
    private static async Task<double> DrainAsync(LoadSession[] sessions, TimeSpan minimum, CancellationToken cancellationToken)
    {
        // Never shorter than the minimum, however long the answers are (--reply / --reply-speed).
        var limit = TimeSpan.FromSeconds(Math.Max(30, minimum.TotalSeconds + 3));
        var start = Stopwatch.GetTimestamp();
        var moved = start;
        var last = InFlight(sessions);
        while (true)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            var now = InFlight(sessions);
            if (now != last)
            {
                last = now;
                moved = Stopwatch.GetTimestamp();
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            var settled = (now.Up == 0 && now.Down == 0) || Stopwatch.GetElapsedTime(moved) >= TimeSpan.FromSeconds(3);
            if ((elapsed >= minimum && settled) || elapsed >= limit)
            {
                return Math.Round(elapsed.TotalSeconds, 1);
            }
        }
    }

    // Per session and never below 0: a session read ahead of its sender's count (or one that counted a duplicate)
    // must not cancel out another session's frame still on its way.
    private static (long Up, long Down, long Received) InFlight(LoadSession[] sessions) => (
        sessions.Sum(s => Math.Max(0, s.FramesSent - Volatile.Read(ref s.UpFramesReceived))),
        sessions.Sum(s => Math.Max(0, Interlocked.Read(ref s.DownChunksSent) - Interlocked.Read(ref s.DownChunksReceived))),
        sessions.Sum(s => Volatile.Read(ref s.UpFramesReceived) + Interlocked.Read(ref s.DownChunksReceived)));

    private static long? Forwarded(double? before, double? after, int milliseconds) =>
        after is { } total ? (long)Math.Round((total - (before ?? 0)) * 1000 / milliseconds) : null;

    /// <summary>A lost frame is never just a number: the first sessions that lost any are named, with their counts.</summary>
    private void NameLosingSessions(LoadSession[] sessions)
    {
        // One reading per session, so the line shows the counts that made it a loser (a slow relay's frames may still
        // be arriving while this runs).
        var losing = sessions
            .Select(s => (s.Index, Sent: s.FramesSent, Received: Volatile.Read(ref s.UpFramesReceived), s.UpFirstSequence, s.UpLastSequence,
                ChunksSent: Interlocked.Read(ref s.DownChunksSent), ChunksReceived: Interlocked.Read(ref s.DownChunksReceived)))
            .Where(s => s.Sent != s.Received || s.ChunksSent != s.ChunksReceived)
            .Take(10);
        foreach (var s in losing)
        {
            _errors.Add($"session {s.Index}: frames sent {s.Sent}, decoded by the mock {s.Received} (sequence {s.UpFirstSequence} to {s.UpLastSequence}, mod {UpstreamCode.SequenceModulus}); chunks sent {s.ChunksSent}, received {s.ChunksReceived}");
        }
    }

    private DirectionResult Upstream(LoadSession[] sessions, MockSide mock)
    {
        var sent = sessions.Sum(s => s.FramesSent);
        var received = sessions.Sum(s => s.UpFramesReceived);
        return new DirectionResult(sent, received, sent - received, sessions.Sum(s => s.UpLost), sessions.Sum(s => s.UpReordered),
            sessions.Sum(s => s.UpUndecodable) + mock.UnmatchedFrames, _metrics.Upstream.Summarize(), mock.Responder.AudioMessages);
    }

    private DirectionResult Downstream(LoadSession[] sessions)
    {
        var sent = sessions.Sum(s => Interlocked.Read(ref s.DownChunksSent));
        var received = sessions.Sum(s => Interlocked.Read(ref s.DownChunksReceived));
        return new DirectionResult(sent, received, sent - received, sessions.Sum(s => s.DownLost), sessions.Sum(s => s.DownReordered),
            sessions.Sum(s => s.DownForeign), _metrics.Downstream.Summarize(), received + sessions.Sum(s => Interlocked.Read(ref s.DownForeign)));
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task WriteJsonAsync(LoadReport report, string path, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, LoadReportJson.Default.LoadReport, cancellationToken).ConfigureAwait(false);
    }
}
