using System.Globalization;
using System.Runtime.InteropServices;

namespace GeminiLiveRelay.LoadTest;

/// <summary>The machine a run was made on, from /proc.</summary>
internal sealed record MachineInfo(int Processors, string CpuModel, long MemoryMb, string Runtime, string Os)
{
    public static MachineInfo Read()
    {
        var model = "unknown";
        long memoryKb = 0;
        try
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? model;
            var total = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            memoryKb = long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }

        return new MachineInfo(Environment.ProcessorCount, model, memoryKb / 1024, RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);
    }

    /// <summary>The 1-, 5- and 15-minute load averages (other work on the machine shows here).</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
