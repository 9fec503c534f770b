using System.Diagnostics;
using System.Globalization;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// Samples the relay process every second from /proc (CPU time, resident memory, threads) and its <c>/metrics</c>
/// every five seconds (the .NET runtime's GC figures, exported by OpenTelemetry), without touching the relay otherwise.
/// </summary>
internal sealed class RelayMonitor : IAsyncDisposable
{
    private static readonly double ClockTicks = ReadClockTicks();
    private readonly int? _pid;
    private readonly Uri? _metricsUrl;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly List<ProcessSample> _samples = [];
    private readonly List<RuntimeSample> _runtime = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private Task _running = Task.CompletedTask;

    public RelayMonitor(int? pid, Uri? metricsUrl)
    {
        _pid = pid;
        _metricsUrl = metricsUrl;
    }

    public double Elapsed => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    public void Start() => _running = RunAsync(_stop.Token);

    public IReadOnlyList<ProcessSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public IReadOnlyList<RuntimeSample> Runtime
    {
        get
        {
            lock (_runtime)
            {
                return [.. _runtime];
            }
        }
    }

    /// <summary>Takes a sample of each kind now (used at the edges of the measurement window).</summary>
    public async Task<(ProcessSample? Process, RuntimeSample? Runtime)> SampleNowAsync(CancellationToken cancellationToken)
    {
        var process = ReadProcess();
        var runtime = await ScrapeAsync(cancellationToken).ConfigureAwait(false);
        lock (_samples)
        {
            if (process is not null)
            {
                _samples.Add(process);
            }
        }

        lock (_runtime)
        {
            if (runtime is not null)
            {
                _runtime.Add(runtime);
            }
        }

        return (process, runtime);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (ReadProcess() is { } process)
                {
                    lock (_samples)
                    {
                        _samples.Add(process);
                    }
                }

                if (++tick % 5 == 0 && await ScrapeAsync(cancellationToken).ConfigureAwait(false) is { } runtime)
                {
                    lock (_runtime)
                    {
                        _runtime.Add(runtime);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private ProcessSample? ReadProcess()
    {
        if (_pid is not { } pid)
        {
            return null;
        }

        try
        {
            // /proc/<pid>/stat: fields after the ")" of the command name; utime and stime are fields 14 and 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var user = double.Parse(fields[11], CultureInfo.InvariantCulture) / ClockTicks;
            var system = double.Parse(fields[12], CultureInfo.InvariantCulture) / ClockTicks;
            long rss = 0, hwm = 0, threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kilobytes(line);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = long.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }

            return new ProcessSample(Elapsed, user + system, system, rss * 1024, hwm * 1024, (int)threads);
        }
        catch (IOException)
        {
            return null; // the process is gone
        }

        static long Kilobytes(string line) =>
            long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private async Task<RuntimeSample?> ScrapeAsync(CancellationToken cancellationToken)
    {
        if (_metricsUrl is null)
        {
            return null;
        }

        try
        {
            var text = await _http.GetStringAsync(_metricsUrl, cancellationToken).ConfigureAwait(false);
            double gen0 = 0, gen1 = 0, gen2 = 0, allocated = 0, heap = 0, committed = 0, pause = 0, active = 0, contentions = 0, threads = 0, queue = 0;
            double? audioIn = null, audioOut = null;
            var generations = new Dictionary<string, long>();
            double fragmentation = 0;
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var space = line.LastIndexOf(' ');
                if (space < 0 || !double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    continue;
                }

                var name = line.AsSpan(0, line.IndexOfAny(['{', ' ']));
                switch (name)
                {
                    case "dotnet_gc_collections_total":
                        if (line.Contains("\"gen0\"", StringComparison.Ordinal)) { gen0 = value; }
                        else if (line.Contains("\"gen1\"", StringComparison.Ordinal)) { gen1 = value; }
                        else if (line.Contains("\"gen2\"", StringComparison.Ordinal)) { gen2 = value; }
                        break;
                    case "dotnet_gc_heap_total_allocated_bytes_total":
                        allocated = value;
                        break;
                    case "dotnet_gc_last_collection_heap_size_bytes":
                        heap += value;
                        const string GenerationLabel = "gc_heap_generation=\"";
                        var at = line.IndexOf(GenerationLabel, StringComparison.Ordinal);
                        if (at >= 0)
                        {
                            var generation = line[(at + GenerationLabel.Length)..];
                            generations[generation[..generation.IndexOf('"', StringComparison.Ordinal)]] = (long)value;
                        }

                        break;
                    case "dotnet_gc_last_collection_heap_fragmentation_size_bytes":
                        fragmentation += value;
                        break;
                    case "dotnet_gc_last_collection_memory_committed_size_bytes":
                        committed = value;
                        break;
                    case "dotnet_gc_pause_time_seconds_total":
                        pause = value;
                        break;
                    case "dotnet_monitor_lock_contentions_total":
                        contentions = value;
                        break;
                    case "dotnet_thread_pool_thread_count_total":
                        threads = value;
                        break;
                    case "dotnet_thread_pool_queue_length_total":
                        queue = value;
                        break;
                    case "gemini_live_relay_active_sessions":
                        active = value;
                        break;
                    case "gemini_live_relay_audio_seconds_total":
                        // The relay's own count of what it forwarded, to tell where a lost frame stopped.
                        if (line.Contains("direction=\"input\"", StringComparison.Ordinal)) { audioIn = value; }
                        else if (line.Contains("direction=\"output\"", StringComparison.Ordinal)) { audioOut = value; }
                        break;
                }
            }

            return new RuntimeSample(Elapsed, (long)gen0, (long)gen1, (long)gen2, (long)allocated, (long)heap, (long)committed,
                pause, (int)active, (long)contentions, (int)threads, (long)queue, generations, (long)fragmentation)
            {
                AudioInSeconds = audioIn,
                AudioOutSeconds = audioOut,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static double ReadClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", ["CLK_TCK"]) { RedirectStandardOutput = true })!;
            var text = getconf.StandardOutput.ReadToEnd();
            getconf.WaitForExit();
            return double.Parse(text.Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or FormatException)
        {
            return 100;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _stop.Dispose();
        _http.Dispose();
    }
}

/// <param name="Time">Seconds since the monitor started.</param>
/// <param name="CpuSeconds">User + system CPU time of the process so far.</param>
/// <param name="SystemSeconds">The kernel's part of it (sockets, loopback TCP, futexes).</param>
internal sealed record ProcessSample(double Time, double CpuSeconds, double SystemSeconds, long RssBytes, long PeakRssBytes, int Threads);

/// <param name="HeapBytes">Managed heap after the last GC (all generations, LOH and POH).</param>
/// <param name="HeapByGeneration">The same per generation (gen0, gen1, gen2, loh, poh).</param>
internal sealed record RuntimeSample(
    double Time, long Gen0, long Gen1, long Gen2, long AllocatedBytes, long HeapBytes, long CommittedBytes,
    double PauseSeconds, int ActiveSessions, long LockContentions, int ThreadPoolThreads, long ThreadPoolQueue,
    IReadOnlyDictionary<string, long> HeapByGeneration, long FragmentationBytes)
{
    /// <summary>Heap after the last GC less its free space: what was alive (the size includes fragmentation).</summary>
    public long LiveBytes => HeapBytes - FragmentationBytes;

    /// <summary>Audio the relay says it sent to Gemini (16 kHz) since it started, from its /metrics; null if not exported.</summary>
    public double? AudioInSeconds { get; init; }

    /// <summary>Audio the relay says it sent to browsers (24 kHz) since it started; null if not exported.</summary>
    public double? AudioOutSeconds { get; init; }
}
