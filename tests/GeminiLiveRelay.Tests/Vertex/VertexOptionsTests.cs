using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Tests.Vertex;

/// <summary>
/// <c>Gemini:Platform=vertex</c> as the app binds and validates it (through <c>AddGeminiLive()</c>): the host per
/// location, Vertex's path, model resource names, and every wrong combination refused with the keys to fix.
/// </summary>
public sealed class VertexOptionsTests
{
    private static readonly Dictionary<string, string?> Vertex = new()
    {
        ["Gemini:Platform"] = "vertex",
        ["Gemini:Project"] = "my-project",
        ["Gemini:Location"] = "us-central1",
    };

    [Theory]
    [InlineData("us-central1", "wss://us-central1-aiplatform.googleapis.com")]
    [InlineData("europe-west4", "wss://europe-west4-aiplatform.googleapis.com")]
    [InlineData("global", "wss://aiplatform.googleapis.com")]
    [InlineData("us", "wss://aiplatform.us.rep.googleapis.com")]
    [InlineData("eu", "wss://aiplatform.eu.rep.googleapis.com")]
    public void ServiceUri_HostFollowsTheLocation(string location, string origin)
    {
        var options = Resolve(With(new() { ["Gemini:Location"] = location }));

        Assert.Equal(origin + "/ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContent", options.BuildServiceUri().AbsoluteUri);
    }

    [Fact]
    public void ServiceUri_KeepsTheConfiguredApiVersion()
    {
        var options = Resolve(With(new() { ["Gemini:ApiVersion"] = "v1beta1" }));

        Assert.Equal("/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent", options.BuildServiceUri().AbsolutePath);
    }

    [Fact]
    public void ServiceUri_ExplicitBaseUrlReplacesTheHost()
    {
        var options = Resolve(With(new() { ["Gemini:BaseUrl"] = "http://127.0.0.1:7000/prefix/" }));

        Assert.Equal("ws://127.0.0.1:7000/prefix/ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContent", options.BuildServiceUri().AbsoluteUri);
    }

    [Theory]
    [InlineData("vertex")]
    [InlineData("developer")]
    public void BaseUrl_Empty_MeansThePlatformsOwnHost(string platform)
    {
        var settings = platform == "vertex" ? With(new() { ["Gemini:BaseUrl"] = "" }) : new() { ["Gemini:BaseUrl"] = "", ["Gemini:ApiKey"] = "k" };

        var options = Resolve(settings);

        Assert.Null(options.BaseUrl);
        Assert.Equal(platform == "vertex" ? "us-central1-aiplatform.googleapis.com" : "generativelanguage.googleapis.com", options.BuildServiceUri().Host);
    }

    [Fact]
    public void DeveloperApi_DefaultsAreUnchanged()
    {
        var options = Resolve(new() { ["Gemini:ApiKey"] = "k" });

        Assert.False(options.IsVertex);
        Assert.Equal(
            "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent",
            options.BuildServiceUri().AbsoluteUri);
        Assert.Equal("models/gemini-3.8-live", options.ModelResourceName);
    }

    [Theory]
    [InlineData("gemini-3.8-live", "projects/my-project/locations/us-central1/publishers/google/models/gemini-3.8-live")]
    [InlineData("models/gemini-3.8-live", "projects/my-project/locations/us-central1/publishers/google/models/gemini-3.8-live")]
    [InlineData("publishers/google/models/x", "projects/my-project/locations/us-central1/publishers/google/models/x")]
    [InlineData("acme/x", "projects/my-project/locations/us-central1/publishers/acme/models/x")]
    [InlineData("projects/other/locations/eu/publishers/google/models/x", "projects/other/locations/eu/publishers/google/models/x")]
    public void ModelResourceName_ExpandsToTheFullVertexName(string model, string expected) =>
        Assert.Equal(expected, Resolve(With(new() { ["Gemini:Model"] = model })).ModelResourceName);

    [Fact]
    public void ExpressMode_KeyWithoutProject_UsesTheGlobalHostAndAPublisherModel()
    {
        var options = Resolve(new() { ["Gemini:Platform"] = "Vertex", ["Gemini:ApiKey"] = "k" });

        Assert.True(options.IsVertexExpress);
        Assert.False(options.UsesAccessTokens);
        Assert.Equal("aiplatform.googleapis.com", options.BuildServiceUri().Host);
        Assert.Equal("publishers/google/models/gemini-3.8-live", options.ModelResourceName);
    }

    [Fact]
    public void Backend_VertexWithoutKey_IsGeminiWithAccessTokens()
    {
        var options = Resolve(Vertex, Environments.Production);

        Assert.Equal(GeminiBackend.Gemini, options.EffectiveBackend);
        Assert.True(options.UsesAccessTokens);
    }

    [Theory]
    [InlineData("Gemini:Platform", "cloud", "Gemini:Platform")]
    [InlineData("Gemini:Project", "", "Gemini:Project")]
    [InlineData("Gemini:Location", "", "Gemini:Location")]
    [InlineData("Gemini:Location", "us central", "Gemini:Location")]
    [InlineData("Gemini:Project", "My Project", "Gemini:Project")]
    [InlineData("Gemini:ApiKey", "k", "not both")]
    public void WrongVertexSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        var error = ResolveFailure(With(new() { [key] = value }));

        Assert.Contains(expected, string.Join("\n", error.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gemini:Project", "my-project")]
    [InlineData("Gemini:Location", "us-central1")]
    [InlineData("Gemini:CredentialsFile", "sa.json")]
    [InlineData("Gemini:TransparentResumption", "true")]
    public void VertexOnlySetting_OnTheDeveloperApi_Fails(string key, string value)
    {
        var error = ResolveFailure(new() { ["Gemini:ApiKey"] = "k", [key] = value });

        var failure = Assert.Single(error.Failures);
        Assert.Contains(key, failure, StringComparison.Ordinal);
        Assert.Contains("Gemini:Platform=vertex", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void DeveloperApiBaseUrl_OnVertex_FailsSayingToLeaveItEmpty()
    {
        var error = ResolveFailure(With(new() { ["Gemini:BaseUrl"] = "https://generativelanguage.googleapis.com" }));

        Assert.Contains("leave Gemini:BaseUrl empty", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void TransparentResumption_WithoutResumption_Fails()
    {
        var error = ResolveFailure(With(new() { ["Gemini:TransparentResumption"] = "true", ["Gemini:SessionResumption"] = "false" }));

        Assert.Contains("Gemini:SessionResumption", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void ExpressMode_WithLocation_Fails()
    {
        var error = ResolveFailure(new() { ["Gemini:Platform"] = "vertex", ["Gemini:ApiKey"] = "k", ["Gemini:Location"] = "us-central1" });

        Assert.Contains("Gemini:Location", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void VertexWithNothing_FailsSayingWhatToSet()
    {
        var failure = Assert.Single(ResolveFailure(new() { ["Gemini:Platform"] = "vertex", ["Gemini:Backend"] = "gemini" }).Failures);

        Assert.Contains("Gemini:Project", failure, StringComparison.Ordinal);
        Assert.Contains("express", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void VertexWithEchoBackend_NeedsNoProject()
    {
        var options = Resolve(new() { ["Gemini:Platform"] = "vertex", ["Gemini:Backend"] = "echo" });

        Assert.Equal(GeminiBackend.Echo, options.EffectiveBackend);
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(Vertex);
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static GeminiOptions Resolve(Dictionary<string, string?> settings, string environment = "Development")
    {
        using var services = Build(settings, environment);
        return services.GetRequiredService<IOptions<GeminiOptions>>().Value;
    }

    private static OptionsValidationException ResolveFailure(Dictionary<string, string?> settings)
    {
        using var services = Build(settings, Environments.Development);
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<GeminiOptions>>().Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, string environment)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(environment));
        services.AddGeminiLive();
        services.AddLiveTools();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }

    private sealed class TestHostEnvironment(string environmentName) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = environmentName;

        public string ApplicationName { get; set; } = "GeminiLiveRelay.Tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
