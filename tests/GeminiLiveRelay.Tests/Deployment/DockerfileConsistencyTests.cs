using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>
/// No Docker engine runs here, so the image is checked in two halves: the smoke test publishes and starts the app the
/// way <see cref="PublishedImage"/> says, and these tests hold the Dockerfile to the same command, port, user,
/// environment and entry point.
/// </summary>
public sealed class DockerfileConsistencyTests
{
    private readonly DockerfileModel _dockerfile = DockerfileModel.Load(RepositoryRoot.File("Dockerfile"));

    [Fact]
    public void FinalStage_IsTheChiseledRuntimeImage()
    {
        Assert.Equal(2, _dockerfile.Stages.Count);
        Assert.Equal(PublishedImage.RuntimeImage, _dockerfile.Final[0].Words[0]);
    }

    [Fact]
    public void FinalStage_StartsTheAppLikeTheSmokeTest()
    {
        var final = _dockerfile.Final;

        Assert.Equal(PublishedImage.WorkDir, Single(final, "WORKDIR").Arguments);
        Assert.Equal(PublishedImage.User, Single(final, "USER").Arguments);
        Assert.Equal(PublishedImage.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Single(final, "EXPOSE").Arguments);
        Assert.Equal(PublishedImage.Entrypoint, JsonNode.Parse(Single(final, "ENTRYPOINT").Arguments)!.AsArray().Select(n => (string?)n));
        Assert.Equal(PublishedImage.ImageEnvironment(PublishedImage.Port), Environment(final));
    }

    [Fact]
    public void BuildStage_PublishesWithTheSmokeTestsCommand_IntoWhatTheFinalStageCopies()
    {
        var publish = Single(_dockerfile.Stage("build"), "RUN", "dotnet publish").Words;
        var output = Array.IndexOf(publish, "-o");
        Assert.True(output > 0, "The publish command names no output folder (-o).");

        string[] withoutOutput = [.. publish[1..output], .. publish[(output + 2)..]];
        Assert.Equal(PublishedImage.PublishArguments, withoutOutput);
        var copy = Single(_dockerfile.Final, "COPY", "--from=build " + publish[output + 1] + " ").Words;
        Assert.Equal(".", copy[^1]);
    }

    [Fact]
    public void BuildStage_RestoresFromTheLockFiles_AndCompilesTheUnitTests()
    {
        var build = _dockerfile.Stage("build");

        Assert.Contains("--locked-mode", Single(build, "RUN", "dotnet restore").Words);
        Assert.Contains(build, i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet build tests/GeminiLiveRelay.Tests -c Release", StringComparison.Ordinal));
        Assert.DoesNotContain(_dockerfile.Final, i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from=", StringComparison.Ordinal));
    }

    [Fact]
    public void EverythingTheBuildCopies_IsInTheContext_AndSecretsAreNot()
    {
        var ignore = DockerIgnore.Load(RepositoryRoot.File(".dockerignore"));
        var sources = _dockerfile.Stage("build")
            .Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Words[..^1])
            .SelectMany(source => source.Contains('*', StringComparison.Ordinal)
                ? Directory.GetFiles(RepositoryRoot.Path, source).Select(f => Path.GetRelativePath(RepositoryRoot.Path, f))
                : [source]);

        foreach (var source in sources)
        {
            Assert.True(File.Exists(RepositoryRoot.File(source)) || Directory.Exists(RepositoryRoot.File(source)), $"COPY {source}: not in the repository");
            Assert.True(ignore.InContext(source), $"COPY {source}: excluded by .dockerignore");
        }

        Assert.True(ignore.InContext("appsettings.Production.json"));
        Assert.True(ignore.InContext("tests/GeminiLiveRelay.Tests/GeminiLiveRelay.Tests.csproj"));
        Assert.True(ignore.InContext("tests/GeminiLiveRelay.MockGemini/MockGeminiServer.cs"));
        Assert.False(ignore.InContext(".env"));
        Assert.False(ignore.InContext("src/GeminiLiveRelay/bin/Release/net10.0/GeminiLiveRelay.dll"));
        Assert.False(ignore.InContext(".git/config"));
    }

    [Fact]
    public void NoInstruction_CarriesASecret()
    {
        var settings = _dockerfile.Stages.SelectMany(s => s)
            .Where(i => i.Keyword is "ENV" or "ARG")
            .SelectMany(i => i.Words)
            .Select(w => w.Split('=')[0]);

        Assert.DoesNotContain(settings, name =>
            name.Contains("KEY", StringComparison.OrdinalIgnoreCase) ||
            name.Contains("SECRET", StringComparison.OrdinalIgnoreCase) ||
            name.Contains("TOKEN", StringComparison.OrdinalIgnoreCase));
    }

    private static DockerInstruction Single(IReadOnlyList<DockerInstruction> stage, string keyword, string prefix = "") =>
        Assert.Single(stage, i => i.Keyword == keyword && i.Arguments.StartsWith(prefix, StringComparison.Ordinal));

    private static Dictionary<string, string> Environment(IReadOnlyList<DockerInstruction> stage) => stage
        .Where(i => i.Keyword == "ENV")
        .SelectMany(i => i.Words)
        .Select(w => w.Split('=', 2))
        .ToDictionary(p => p[0], p => p[1]);
}
