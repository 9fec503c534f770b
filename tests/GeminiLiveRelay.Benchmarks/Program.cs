using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/GeminiLiveRelay.Benchmarks -- --filter '*' [--job short]
// Suites: AudioConversionBenchmarks (resampling + format), UpstreamFrameBenchmarks (frame -> realtimeInput JSON),
// DownstreamMessageBenchmarks (server message parse -> sink); all with [MemoryDiagnoser]: 0 B per frame is the target.
BenchmarkSwitcher.FromAssembly(typeof(GeminiLiveRelay.Benchmarks.AudioConversionBenchmarks).Assembly).Run(args);
