namespace GeminiLiveRelay.LoadTest;

/// <summary>The relay's figures over a run's steady-state window, from the monitor's samples.</summary>
internal static class RelayFigures
{
    public static RelayResult? From(
        (ProcessSample? Process, RuntimeSample? Runtime) baseline,
        (ProcessSample? Process, RuntimeSample? Runtime) start,
        (ProcessSample? Process, RuntimeSample? Runtime) end,
        double windowSeconds,
        int sessions,
        long frames,
        RelayMonitor monitor)
    {
        if (baseline.Process is not { } b || start.Process is not { } s || end.Process is not { } e)
        {
            return null;
        }

        sessions = Math.Max(1, sessions);
        var cpu = Cpu(s, e) ?? 0;
        var samples = monitor.Samples.Where(p => p.Time >= s.Time && p.Time <= e.Time).ToList();
        var runtime = monitor.Runtime.Where(p => p.Time >= s.Time && p.Time <= e.Time).ToList();
        var (rs, re) = (start.Runtime, end.Runtime);
        var allocated = rs is not null && re is not null ? re.AllocatedBytes - rs.AllocatedBytes : (long?)null;
        return new RelayResult(
            CpuPercentOfOneCore: cpu,
            CpuPercentPerSession: cpu / sessions,
            IdleCpuPercent: 0,
            CpuSystemShare: e.CpuSeconds > s.CpuSeconds ? (e.SystemSeconds - s.SystemSeconds) / (e.CpuSeconds - s.CpuSeconds) : 0,
            RssBaselineMb: b.RssBytes / 1048576.0,
            RssEndMb: e.RssBytes / 1048576.0,
            RssPeakMb: e.PeakRssBytes / 1048576.0,
            RssPerSessionKb: (e.RssBytes - b.RssBytes) / 1024.0 / sessions,
            RssAfterCloseMb: 0,
            HeapBaselineMb: baseline.Runtime?.HeapBytes / 1048576.0,
            HeapEndMb: re?.HeapBytes / 1048576.0,
            HeapPerSessionKb: re is not null && baseline.Runtime is not null ? (re.HeapBytes - baseline.Runtime.HeapBytes) / 1024.0 / sessions : null,
            CommittedEndMb: re?.CommittedBytes / 1048576.0,
            Gen0: re?.Gen0 - rs?.Gen0,
            Gen1: re?.Gen1 - rs?.Gen1,
            Gen2: re?.Gen2 - rs?.Gen2,
            GcPausePercent: rs is not null && re is not null ? (re.PauseSeconds - rs.PauseSeconds) / windowSeconds * 100 : null,
            AllocatedMbPerSecond: allocated / 1048576.0 / windowSeconds,
            AllocatedBytesPerFrame: allocated is { } a && frames > 0 ? (double)a / frames : null,
            RssSlopeKbPerMinute: Slope(samples.Select(p => (p.Time, p.RssBytes / 1024.0))),
            HeapSlopeKbPerMinute: Slope(runtime.Select(p => (p.Time, p.HeapBytes / 1024.0))),
            LiveHeapSlopeKbPerMinute: Slope(runtime.Select(p => (p.Time, p.LiveBytes / 1024.0))),
            Threads: e.Threads,
            ErrorLogLines: 0);
    }

    public static double? Cpu(ProcessSample? from, ProcessSample? to) =>
        from is not null && to is not null && to.Time > from.Time ? (to.CpuSeconds - from.CpuSeconds) / (to.Time - from.Time) * 100 : null;

    /// <summary>Least-squares slope of (seconds, KB) points, in KB per minute.</summary>
    private static double? Slope(IEnumerable<(double Time, double Value)> points)
    {
        var list = points.ToList();
        if (list.Count < 3)
        {
            return null;
        }

        var meanT = list.Average(p => p.Time);
        var meanV = list.Average(p => p.Value);
        var covariance = list.Sum(p => (p.Time - meanT) * (p.Value - meanV));
        var variance = list.Sum(p => (p.Time - meanT) * (p.Time - meanT));
        return variance == 0 ? null : covariance / variance * 60;
    }
}
