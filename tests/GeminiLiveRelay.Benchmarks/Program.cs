using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/GeminiLiveRelay.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(GeminiLiveRelay.Benchmarks.AudioConversionBenchmarks).Assembly).Run(args);
