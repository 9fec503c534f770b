namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>
/// The published-app smoke test runs alone, after every parallel test: its `dotnet publish` takes a core for tens of
/// seconds, which would make the browser tests' timing assertions flaky on a small machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SmokeGroup
{
    public const string Name = "Published app";
}
