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

    /// <summary>
    /// All CPUs' time so far from /proc/stat, in ticks. Steal is time the hypervisor gave this VM's CPUs to someone
    /// else: on a shared host it is latency no process here caused, so a run reports it.
    /// </summary>
    public static CpuTimes? ReadCpuTimes()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice
            var fields = File.ReadLines("/proc/stat").FirstOrDefault()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is not { Length: >= 9 })
            {
                return null;
            }

            var v = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return new CpuTimes(v[0] + v[1] + v[2] + v[5] + v[6], v[3] + v[4], v[7]);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return null;
        }
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

/// <summary>Cumulative CPU ticks of the whole machine (all CPUs).</summary>
internal sealed record CpuTimes(long Busy, long Idle, long Steal)
{
    /// <summary>How the machine's CPU time between two readings was spent, in % of all CPUs' time.</summary>
    public static MachineCpu? Between(CpuTimes? start, CpuTimes? end)
    {
        if (start is null || end is null)
        {
            return null;
        }

        var busy = end.Busy - start.Busy;
        var idle = end.Idle - start.Idle;
        var steal = end.Steal - start.Steal;
        var total = (double)(busy + idle + steal);
        return total <= 0 ? null : new MachineCpu(100 * busy / total, 100 * idle / total, 100 * steal / total);
    }
}

/// <param name="BusyPercent">Every process's user and kernel time, interrupts included.</param>
/// <param name="IdlePercent">Idle (and waiting for I/O).</param>
/// <param name="StealPercent">Taken by the hypervisor for other guests.</param>
internal sealed record MachineCpu(double BusyPercent, double IdlePercent, double StealPercent);
