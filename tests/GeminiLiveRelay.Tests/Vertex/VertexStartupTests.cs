using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Vertex;

/// <summary>Missing or unreadable Vertex AI credentials stop start-up, saying where they were looked for.</summary>
public sealed class VertexStartupTests
{
    [Fact]
    public async Task MissingCredentialsFile_FailsNamingTheKeyAndThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json");
        await using var relay = new RelayApplication(new Uri("http://127.0.0.1:9"), Settings(path), environment: "Production");

        var message = HostStartup.Failure(relay).Message;

        Assert.Contains("Gemini:CredentialsFile", message, StringComparison.Ordinal);
        Assert.Contains(path, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"client_email":"x@y"}""")]
    [InlineData("""{"type":"service_account","client_email":"x@y","private_key":"garbage"}""")]
    public async Task UnreadableCredentialsFile_FailsNamingTheKey(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-sa-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, content);
        try
        {
            await using var relay = new RelayApplication(new Uri("http://127.0.0.1:9"), Settings(path), environment: "Production");

            var message = HostStartup.Failure(relay).Message;

            Assert.Contains("Gemini:CredentialsFile", message, StringComparison.Ordinal);
            Assert.Contains("could not be read", message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task NoApplicationDefaultCredentials_FailsListingWhereItLooked()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS")) || File.Exists(GeminiLiveRelay.Vertex.AdcSearch.WellKnownFile()))
        {
            return; // this machine has real credentials: nothing to prove here
        }

        await using var relay = new RelayApplication(new Uri("http://127.0.0.1:9"), Settings(credentialsFile: string.Empty), environment: "Production");

        var message = HostStartup.Failure(relay).Message;

        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS (not set)", message, StringComparison.Ordinal);
        Assert.Contains("application_default_credentials.json", message, StringComparison.Ordinal);
        Assert.Contains("metadata server", message, StringComparison.Ordinal);
        Assert.Contains("Gemini:CredentialsFile", message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(string credentialsFile) => new()
    {
        ["Gemini:ApiKey"] = string.Empty,
        ["Gemini:Platform"] = "vertex",
        ["Gemini:Project"] = "test-project",
        ["Gemini:Location"] = "us-central1",
        ["Gemini:CredentialsFile"] = credentialsFile,
        ["Relay:Auth:Mode"] = "none",
    };
}
