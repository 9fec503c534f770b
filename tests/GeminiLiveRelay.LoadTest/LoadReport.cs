using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace GeminiLiveRelay.LoadTest;

/// <summary>Everything a run measured; printed as a table and written as JSON (<c>--json</c>).</summary>
internal sealed record LoadReport
{
    public required string Label { get; init; }

    public required DateTime StartedUtc { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string LoadAverageStart { get; init; }

    public required string LoadAverageEnd { get; init; }

    /// <summary>The whole machine's CPU over the steady-state window (null where /proc/stat is missing).</summary>
    public MachineCpu? MachineCpu { get; init; }

    public required RunSettings Settings { get; init; }

    public required SessionCounts Sessions { get; init; }

    public required DirectionResult Upstream { get; init; }

    public required DirectionResult Downstream { get; init; }

    public required RelayResult? Relay { get; init; }

    public required LoadToolResult LoadTool { get; init; }

    /// <summary>Protocol violations the mock recorded (must be 0; the first is in <see cref="Errors"/>).</summary>
    public long MockViolations { get; init; }

    public required IReadOnlyList<string> Errors { get; init; }

    public required IReadOnlyList<SeriesPoint> Series { get; init; }
}

internal sealed record RunSettings(
    int Sessions, double RampSeconds, double DurationSeconds, double WarmupSeconds, double WindowSeconds, int FrameMs,
    string Encoding, int SampleRate, int Sessions16k, bool AudioBack, double UtteranceSeconds, double ReplySeconds,
    int ReplyChunkMs, double ReplySpeed, string RelayUrl, string RelayMode, int Pacers,
    string MockTransport, double DrainSeconds);

internal sealed record SessionCounts(int Requested, int Ready, int HeldToEnd, int ConnectFailures, int FailedDuringRun, long ErrorEvents, int UnexpectedCloses, long TurnsCompleted);

/// <param name="Sent">Frames (upstream) or chunks (downstream) sent by the sending side, whole run.</param>
/// <param name="Received">Received and identified by the other side, whole run.</param>
/// <param name="Gaps">Sequence numbers skipped (frames missing in the middle of a stream).</param>
/// <param name="Latency">Relay-added latency in ms over the steady-state window.</param>
/// <param name="Messages">WebSocket messages that carried them to the receiving side, whole run: upstream, the
/// <c>realtimeInput</c> audio messages the mock got (fewer than the frames when the relay sends frames that queued up
/// together as one message); downstream, the binary messages the clients got.</param>
internal sealed record DirectionResult(long Sent, long Received, long Lost, long Gaps, long Reordered, long Unreadable, LatencySummary Latency, long Messages)
{
    /// <summary>
    /// Frames (or chunks) the relay itself counts as forwarded in this direction, from the audio seconds on its
    /// /metrics after the drain; null without /metrics. With a loss, it tells which side of the relay the audio stopped.
    /// </summary>
    public long? RelayForwarded { get; init; }
}

internal sealed record RelayResult(
    double CpuPercentOfOneCore,
    double CpuPercentPerSession,
    double CpuSystemShare,
    double IdleCpuPercent,
    double RssBaselineMb,
    double RssEndMb,
    double RssPeakMb,
    double RssPerSessionKb,
    double RssAfterCloseMb,
    double? HeapBaselineMb,
    double? HeapEndMb,
    double? HeapPerSessionKb,
    double? CommittedEndMb,
    long? Gen0,
    long? Gen1,
    long? Gen2,
    double? GcPausePercent,
    double? AllocatedMbPerSecond,
    double? AllocatedBytesPerFrame,
    double? RssSlopeKbPerMinute,
    double? HeapSlopeKbPerMinute,
    double? LiveHeapSlopeKbPerMinute,
    int Threads,
    long ErrorLogLines);

internal sealed record LoadToolResult(double CpuPercentOfOneCore, LatencySummary PacerLag);

/// <param name="HeapByGenerationMb">Managed heap after the last GC per generation (gen0, gen1, gen2, loh, poh).</param>
/// <param name="Gc">GC counts so far (gen0, gen1, gen2).</param>
/// <param name="LiveHeapMb">Heap after the last GC less fragmentation (free space inside the heap).</param>
internal sealed record SeriesPoint(
    double Time, int Sessions, double? CpuPercent, double? RssMb, double? HeapMb,
    IReadOnlyDictionary<string, double>? HeapByGenerationMb = null, IReadOnlyList<long>? Gc = null, double? LiveHeapMb = null);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class LoadReportJson : JsonSerializerContext;

internal static class LoadReportText
{
    public static string Format(LoadReport report)
    {
        var s = report.Settings;
        var text = new StringBuilder();
        void Line(string name, string value) => text.Append(CultureInfo.InvariantCulture, $"  {name,-44} {value}\n");
        text.Append(CultureInfo.InvariantCulture, $"\n== {report.Label}: {s.Sessions} sessions, {s.FrameMs} ms {s.Encoding} frames at {s.SampleRate} Hz ({s.Sessions16k} at 16 kHz), ")
            .Append(CultureInfo.InvariantCulture, $"ramp {s.RampSeconds:0} s, held {s.DurationSeconds:0} s (window {s.WindowSeconds:0} s), audio back {(s.AudioBack ? "on" : "off")}, relay {s.RelayMode}, mock transport {s.MockTransport}, counted {s.DrainSeconds:0.0} s after the last frame\n");
        var m = report.Machine;
        Line("machine", $"{m.Processors} cpu, {m.CpuModel}, {m.MemoryMb} MB, {m.Runtime}; load avg {report.LoadAverageStart} -> {report.LoadAverageEnd}");
        if (report.MachineCpu is { } mc)
        {
            Line("machine CPU busy / idle / steal (window)", $"{mc.BusyPercent:0.0} / {mc.IdlePercent:0.0} / {mc.StealPercent:0.0} % of all CPUs");
        }

        var c = report.Sessions;
        Line("sessions ready / held to end", $"{c.Ready} / {c.HeldToEnd} of {c.Requested}");
        Line("connect failures / failed / error events", $"{c.ConnectFailures} / {c.FailedDuringRun} / {c.ErrorEvents} (unexpected closes {c.UnexpectedCloses})");
        Line("model turns completed", c.TurnsCompleted.ToString(CultureInfo.InvariantCulture));
        Line("mock protocol violations", report.MockViolations.ToString(CultureInfo.InvariantCulture));
        Direction("upstream   (client send -> mock receive)", "frames", report.Upstream);
        Direction("downstream (mock send -> client receive)", "chunks", report.Downstream);
        if (report.Relay is { } r)
        {
            Line("relay CPU (% of one core) total / per session", $"{r.CpuPercentOfOneCore:0.0} % / {r.CpuPercentPerSession:0.000} % ({r.CpuSystemShare * 100:0} % of it in the kernel)");
            Line("relay CPU with no session (idle baseline)", $"{r.IdleCpuPercent:0.0} % of one core");
            Line("relay RSS baseline / end / peak / after close", $"{r.RssBaselineMb:0.0} / {r.RssEndMb:0.0} / {r.RssPeakMb:0.0} / {r.RssAfterCloseMb:0.0} MB");
            Line("relay RSS per session", $"{r.RssPerSessionKb:0.0} KB");
            Line("relay managed heap baseline / end / per session", $"{Fmt(r.HeapBaselineMb)} / {Fmt(r.HeapEndMb)} MB / {Fmt(r.HeapPerSessionKb)} KB (committed {Fmt(r.CommittedEndMb)} MB)");
            Line("relay GCs in window gen0 / gen1 / gen2", $"{r.Gen0} / {r.Gen1} / {r.Gen2} (pause {Fmt(r.GcPausePercent, "0.00")} % of time)");
            Line("relay allocation", $"{Fmt(r.AllocatedMbPerSecond, "0.00")} MB/s, {Fmt(r.AllocatedBytesPerFrame)} B per frame (up + down)");
            Line("relay memory slope RSS / heap / live heap", $"{Fmt(r.RssSlopeKbPerMinute)} / {Fmt(r.HeapSlopeKbPerMinute)} / {Fmt(r.LiveHeapSlopeKbPerMinute)} KB/min");
            Line("relay threads / error log lines", $"{r.Threads} / {r.ErrorLogLines}");
        }

        Line("load tool CPU (% of one core)", $"{report.LoadTool.CpuPercentOfOneCore:0.0} %");
        var lag = report.LoadTool.PacerLag;
        Line("load tool send lag p50/p99/max", $"{lag.P50:0.00} / {lag.P99:0.00} / {lag.Max:0.00} ms ({s.Pacers} pacer threads)");
        foreach (var error in report.Errors.Take(10))
        {
            Line("error", error);
        }

        return text.ToString();

        void Direction(string name, string unit, DirectionResult d)
        {
            var l = d.Latency;
            Line(name, $"p50 {l.P50:0.00}  p95 {l.P95:0.00}  p99 {l.P99:0.00}  p99.9 {l.P999:0.00}  max {l.Max:0.00} ms ({l.Samples} samples)");
            Line($"  {unit} sent / received / lost / gaps / reordered", $"{d.Sent} / {d.Received} / {d.Lost} / {d.Gaps} / {d.Reordered} (unreadable {d.Unreadable})");
            var perMessage = d.Messages > 0 ? (double)d.Received / d.Messages : 0;
            Line($"  {unit} received in messages", $"{d.Messages} ({perMessage:0.000} {unit} per message)");
            if (d.RelayForwarded is { } forwarded)
            {
                Line($"  {unit} the relay counts as forwarded", $"{forwarded} ({forwarded - d.Sent:+0;-0;0} against sent)");
            }
        }
    }

    private static string Fmt(double? value, string format = "0.0") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
