using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// Who allocates in the relay: reads a <c>dotnet-trace</c> file recorded with the runtime's GC keyword at verbose level
/// (an <c>AllocationTick</c> event with type and stack about every 100 KB allocated) and sums the sampled bytes by type
/// and by allocating stack. Usage:
/// <code>
/// dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration 00:00:00:20 -o relay.nettrace
/// dotnet GeminiLiveRelay.LoadTest.dll alloc-report relay.nettrace
/// </code>
/// </summary>
internal static class AllocationReport
{
    private const int StackDepth = 8;

    public static int Run(string path, TextWriter output)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using var log = new TraceLog(etlx);
        var byType = new Dictionary<string, long>();
        var byStack = new Dictionary<string, long>();
        long total = 0;
        foreach (var e in log.Events)
        {
            if (e is not GCAllocationTickTraceData tick)
            {
                continue;
            }

            var bytes = tick.AllocationAmount64;
            total += bytes;
            byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + bytes;
            var frames = new List<string>(StackDepth);
            for (var frame = e.CallStack(); frame is not null && frames.Count < StackDepth; frame = frame.Caller)
            {
                // Runtime helpers and thread-pool plumbing say nothing about who allocated.
                var name = frame.CodeAddress.FullMethodName;
                if (!string.IsNullOrEmpty(name) && !name.StartsWith("System.Threading.ExecutionContext", StringComparison.Ordinal))
                {
                    frames.Add(name.Length > 150 ? name[..150] : name);
                }
            }

            var key = tick.TypeName + Environment.NewLine + "        " + string.Join(Environment.NewLine + "        ", frames);
            byStack[key] = byStack.GetValueOrDefault(key) + bytes;
        }

        if (total == 0)
        {
            output.WriteLine("No AllocationTick events: record with --providers Microsoft-Windows-DotNETRuntime:0x1:5.");
            return 1;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled allocations: {total / 1048576.0:F1} MB"));
        output.WriteLine();
        output.WriteLine("by type");
        foreach (var (type, bytes) in byType.OrderByDescending(p => p.Value).Take(20))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes * 100.0 / total,5:F1} %  {type}"));
        }

        output.WriteLine();
        output.WriteLine("by allocating stack (innermost first)");
        foreach (var (stack, bytes) in byStack.OrderByDescending(p => p.Value).Take(12))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes * 100.0 / total,5:F1} %  {stack}"));
        }

        return 0;
    }
}
