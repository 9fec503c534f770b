using GeminiLiveRelay.LoadTest;

// dotnet run -c Release --project tests/GeminiLiveRelay.LoadTest -- --sessions 100 --duration 60 --start-relay /tmp/relay
// dotnet run -c Release --project tests/GeminiLiveRelay.LoadTest -- alloc-report relay.nettrace
if (args is ["alloc-report", var tracePath])
{
    return AllocationReport.Run(tracePath, Console.Out);
}

if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(LoadOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

// The tool's own thread pool must not lag behind 500 sessions' receive loops on a 2-core machine.
ThreadPool.SetMinThreads(Math.Max(8, Environment.ProcessorCount * 4), Math.Max(8, Environment.ProcessorCount * 4));
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var report = await new LoadRun(options).RunAsync(cancel.Token).ConfigureAwait(false);
Console.WriteLine(LoadReportText.Format(report));
if (options.JsonPath is { } path)
{
    await LoadRun.WriteJsonAsync(report, path, cancel.Token).ConfigureAwait(false);
    Console.WriteLine($"JSON report: {path}");
}

var clean = report.Upstream.Lost == 0 && report.Upstream.Gaps == 0 && report.Upstream.Reordered == 0
    && report.Downstream.Lost == 0 && report.Downstream.Gaps == 0 && report.Downstream.Reordered == 0
    && report.Sessions.HeldToEnd == options.Sessions && report.MockViolations == 0;
return clean ? 0 : 1;
