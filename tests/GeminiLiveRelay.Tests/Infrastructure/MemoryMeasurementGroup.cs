namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>Tests that measure the process's memory run alone: parallel tests would pollute the figure.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementGroup
{
    public const string Name = "Memory measurement";
}
