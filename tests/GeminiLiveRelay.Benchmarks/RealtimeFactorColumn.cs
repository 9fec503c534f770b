using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace GeminiLiveRelay.Benchmarks;

// Every audio benchmark processes one 20 ms frame, so "seconds of audio per second of CPU" is 20 ms divided
// by the mean time: the number the relay's capacity planning actually needs.
internal sealed class RealtimeFactorColumn : IColumn
{
    private const double FrameNanoseconds = 20_000_000;

    public string Id => nameof(RealtimeFactorColumn);

    public string ColumnName => "Realtime x";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "20 ms of audio divided by the mean time per frame";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 ? (FrameNanoseconds / mean.Value).ToString("N0", CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
