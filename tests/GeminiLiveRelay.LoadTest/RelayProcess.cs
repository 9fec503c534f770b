using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// The published relay as a child process, configured for a load run: the mock as its Gemini, no auth, limits raised
/// out of the way, Production, warnings only in the log. Its own process, so its CPU and memory are its own.
/// </summary>
internal sealed class RelayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private long _lines;
    private long _errorLines;

    private RelayProcess(Process process, int port)
    {
        _process = process;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseUrl { get; }

    public int Pid => _process.Id;

    public long LogLines => Interlocked.Read(ref _lines);

    /// <summary>Log lines at Error or Fatal (compact JSON: <c>"@l":"Error"</c>).</summary>
    public long ErrorLines => Interlocked.Read(ref _errorLines);

    public IReadOnlyList<string> LastLines
    {
        get
        {
            lock (_lastLines)
            {
                return [.. _lastLines];
            }
        }
    }

    public static async Task<RelayProcess> StartAsync(string folder, Uri mockBaseUrl, IReadOnlyList<string> extraEnvironment, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var apphost = Path.Combine(folder, "GeminiLiveRelay");
        var start = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo("dotnet", [Path.Combine(folder, "GeminiLiveRelay.dll")]);
        start.WorkingDirectory = folder;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env.Remove("ASPNETCORE_HTTP_PORTS");
        env["GEMINI_API_KEY"] = "load-test";
        env["Gemini__BaseUrl"] = mockBaseUrl.ToString();
        env["Relay__Auth__Mode"] = "none";
        env["Relay__MaxSessions"] = "100000";
        env["Relay__MaxSessionsPerIp"] = "10000";
        env["Relay__MaxSessionsPerUser"] = "10000";
        env["Relay__ConnectsPerMinute"] = "100000";
        env["Relay__DailyMinutesPerUser"] = "0"; // every simulated browser is the same anonymous user (127.0.0.1)
        env["Serilog__MinimumLevel__Default"] = "Warning";
        foreach (var pair in extraEnvironment)
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            env[pair[..at]] = pair[(at + 1)..];
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the relay.");
        var relay = new RelayProcess(process, port);
        process.OutputDataReceived += (_, e) => relay.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => relay.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await relay.WaitUntilHealthyAsync(cancellationToken).ConfigureAwait(false);
        return relay;
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("The relay exited at start-up:\n" + string.Join('\n', LastLines));
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("The relay did not become ready in 30 s:\n" + string.Join('\n', LastLines));
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _lines);
        if (line.Contains("\"@l\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"@l\":\"Fatal\"", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _errorLines);
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line.Length > 600 ? line[..600] : line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first (graceful shutdown), then SIGKILL if it lingers; only this child, by its pid.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync().ConfigureAwait(false);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
