using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>
/// The relay as the container image holds and runs it: published with <see cref="PublishedImage.PublishArguments"/>,
/// started with the image's entry point from its folder, in the image's environment, as a child process whose
/// standard output is kept line by line. Disposing kills it.
/// </summary>
internal sealed class PublishedApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly StringBuilder _errors = new();

    private PublishedApp(Process process, int port)
    {
        _process = process;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_output)
            {
                return _errors.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Runs the image's publish command into <paramref name="folder"/>; fails the test with its output if it fails.</summary>
    public static async Task PublishAsync(string folder, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost, [.. PublishedImage.PublishArguments, "-o", folder])
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        CleanEnvironment(start);
        // No build servers or reusable nodes outliving the command (they would hold its output pipes open).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}):\n{await output}\n{await errors}");
    }

    /// <summary>Starts <c>dotnet GeminiLiveRelay.dll</c> in <paramref name="folder"/>, listening on <paramref name="port"/>.</summary>
    public static PublishedApp Start(string folder, int port, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo(DotnetHost, PublishedImage.Entrypoint[1..])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Assert.Equal("dotnet", PublishedImage.Entrypoint[0]);
        CleanEnvironment(start);
        foreach (var (name, value) in PublishedImage.ImageEnvironment(port).Concat(settings))
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var app = new PublishedApp(process, port);
        process.OutputDataReceived += (_, e) => app.Collect(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => app.Collect(e.Data, error: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    /// <summary>The muxer running these tests (the SDK names it for child processes), else the one on PATH.</summary>
    private static string DotnetHost =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// Nothing from the test run leaks in: not its MSBuild variables (a nested build would use the outer one's
    /// SDK paths), nor any relay, ASP.NET Core or OpenTelemetry setting.
    /// </summary>
    private static void CleanEnvironment(ProcessStartInfo start)
    {
        string[] prefixes = ["MSBuild", "VSTEST", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "GEMINI", "Gemini__", "Relay__", "Serilog__", "Observability__", "OTEL_"];
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (prefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                start.Environment.Remove(name);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Collect(string? line, bool error)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (error)
            {
                _errors.AppendLine(line);
            }
            else
            {
                _output.Add(line);
            }
        }
    }
}
