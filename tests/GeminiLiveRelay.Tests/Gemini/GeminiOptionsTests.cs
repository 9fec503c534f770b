using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Tests.Gemini;

/// <summary>
/// The service URI (protocol reference 1.1 and 1.4) and the <c>Gemini</c> section as the app binds and validates it:
/// through <c>AddGeminiLive()</c> and the real options pipeline, not by calling the validator by hand.
/// </summary>
public sealed class GeminiOptionsTests
{
    private const string ServicePath = "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent";

    [Fact]
    public void BuildServiceUri_Default_IsTheDeveloperApiEndpoint()
    {
        var uri = new GeminiOptions().BuildServiceUri();

        Assert.Equal("wss://generativelanguage.googleapis.com" + ServicePath, uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "ws://127.0.0.1:8080" + ServicePath)]
    [InlineData("http://127.0.0.1:8080/", "ws://127.0.0.1:8080" + ServicePath)]
    [InlineData("http://localhost", "ws://localhost" + ServicePath)]
    [InlineData("https://proxy.example/prefix/", "wss://proxy.example/prefix" + ServicePath)]
    [InlineData("https://proxy.example/prefix", "wss://proxy.example/prefix" + ServicePath)]
    [InlineData("https://proxy.example:8443/a/b//", "wss://proxy.example:8443/a/b" + ServicePath)]
    [InlineData("https://proxy.example/?key=leak#frag", "wss://proxy.example" + ServicePath)]
    public void BuildServiceUri_BaseUrl_MapsSchemeAndKeepsHostPortAndPrefix(string baseUrl, string expected)
    {
        var uri = new GeminiOptions { BaseUrl = new Uri(baseUrl) }.BuildServiceUri();

        Assert.Equal(expected, uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("v1beta")]
    [InlineData("v1alpha")]
    public void BuildServiceUri_ApiVersion_IsThePathSegment(string version)
    {
        var uri = new GeminiOptions { ApiVersion = version }.BuildServiceUri();

        Assert.Equal($"/ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContent", uri.AbsolutePath);
    }

    [Fact]
    public void BuildServiceUri_NeverContainsTheApiKey()
    {
        const string key = "AIzaSy-secret-key-123";
        var options = new GeminiOptions { ApiKey = key, BaseUrl = new Uri("http://127.0.0.1:9000") };

        var uri = options.BuildServiceUri();

        Assert.DoesNotContain(key, uri.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(key, uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(string.Empty, uri.Query);
    }

    [Theory]
    [InlineData("gemini-3.8-live", "models/gemini-3.8-live")]
    [InlineData("models/gemini-3.8-live", "models/gemini-3.8-live")]
    [InlineData("tunedModels/my-live", "tunedModels/my-live")]
    public void ModelResourceName_AddsModelsPrefixUnlessAlreadyAPath(string model, string expected) =>
        Assert.Equal(expected, new GeminiOptions { Model = model }.ModelResourceName);

    [Fact]
    public void Backend_UnsetWithKey_IsGemini()
    {
        var options = Resolve(new() { ["GEMINI_API_KEY"] = "k" }, Environments.Production);

        Assert.Equal(GeminiBackend.Gemini, options.EffectiveBackend);
        Assert.Equal("k", options.ApiKey);
    }

    [Fact]
    public void Backend_UnsetNoKeyInDevelopment_IsEcho()
    {
        var options = Resolve([], Environments.Development);

        Assert.Equal(GeminiBackend.Echo, options.EffectiveBackend);
    }

    [Fact]
    public void Backend_UnsetNoKeyInProduction_FailsNamingTheKeyAndTheEchoSwitch()
    {
        var error = ResolveFailure([], Environments.Production);

        var failure = Assert.Single(error.Failures);
        Assert.Contains("GEMINI_API_KEY", failure, StringComparison.Ordinal);
        Assert.Contains("Gemini:Backend=echo", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("echo")]
    [InlineData(" Echo ")]
    public void Backend_EchoInProductionWithoutKey_IsEcho(string backend)
    {
        var options = Resolve(new() { ["Gemini:Backend"] = backend }, Environments.Production);

        Assert.Equal(GeminiBackend.Echo, options.EffectiveBackend);
    }

    [Fact]
    public void Backend_EchoWithKey_IsStillEcho()
    {
        var options = Resolve(new() { ["Gemini:Backend"] = "echo", ["Gemini:ApiKey"] = "k" }, Environments.Production);

        Assert.Equal(GeminiBackend.Echo, options.EffectiveBackend);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public void Backend_GeminiWithoutKey_Fails(string environment)
    {
        var error = ResolveFailure(new() { ["Gemini:Backend"] = "gemini" }, environment);

        Assert.Contains("GEMINI_API_KEY", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Backend_GeminiWithKey_IsGemini()
    {
        var options = Resolve(new() { ["Gemini:Backend"] = "Gemini", ["Gemini:ApiKey"] = "k" }, Environments.Development);

        Assert.Equal(GeminiBackend.Gemini, options.EffectiveBackend);
    }

    [Fact]
    public void Backend_Unknown_FailsNamingTheKey()
    {
        var error = ResolveFailure(new() { ["Gemini:Backend"] = "banana", ["Gemini:ApiKey"] = "k" }, Environments.Development);

        var failure = Assert.Single(error.Failures);
        Assert.Contains("Gemini:Backend", failure, StringComparison.Ordinal);
        Assert.Contains("banana", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("ws://127.0.0.1:9000")]
    [InlineData("not a url")]
    public void BaseUrl_NotHttp_FailsNamingTheKey(string baseUrl)
    {
        var error = ResolveFailure(new() { ["Gemini:BaseUrl"] = baseUrl, ["Gemini:ApiKey"] = "k" }, Environments.Development);

        Assert.Contains("Gemini:BaseUrl", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.050")]
    [InlineData("00:06:00")]
    public void SetupTimeout_OutOfRange_FailsNamingTheKey(string timeout)
    {
        var error = ResolveFailure(new() { ["Gemini:SetupTimeout"] = timeout, ["Gemini:ApiKey"] = "k" }, Environments.Development);

        Assert.Contains("Gemini:SetupTimeout", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void SetupTimeout_InRange_IsBound()
    {
        var options = Resolve(new() { ["Gemini:SetupTimeout"] = "00:00:02.5", ["Gemini:ApiKey"] = "k" }, Environments.Development);

        Assert.Equal(TimeSpan.FromSeconds(2.5), options.SetupTimeout);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("V1")]
    [InlineData("v1/../x")]
    public void ApiVersion_Malformed_FailsNamingTheKey(string version)
    {
        var error = ResolveFailure(new() { ["Gemini:ApiVersion"] = version, ["Gemini:ApiKey"] = "k" }, Environments.Development);

        Assert.Contains("Gemini:ApiVersion", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void ApiVersion_V1beta_IsBoundAndUsed()
    {
        var options = Resolve(new() { ["Gemini:ApiVersion"] = "v1beta", ["Gemini:ApiKey"] = "k" }, Environments.Development);

        Assert.Contains(".v1beta.", options.BuildServiceUri().AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public void ApiKey_FromGeminiApiKeyVariable_WhenSectionKeyEmpty()
    {
        var options = Resolve(new() { ["Gemini:ApiKey"] = "", ["GEMINI_API_KEY"] = "from-env" }, Environments.Production);

        Assert.Equal("from-env", options.ApiKey);
        Assert.Equal(GeminiBackend.Gemini, options.EffectiveBackend);
    }

    [Fact]
    public void ApiKey_SectionKeyWins_WhenBothSet()
    {
        var options = Resolve(new() { ["Gemini:ApiKey"] = "from-section", ["GEMINI_API_KEY"] = "from-env" }, Environments.Production);

        Assert.Equal("from-section", options.ApiKey);
    }

    [Fact]
    public void Section_BoundFromConfiguration()
    {
        var options = Resolve(
            new()
            {
                ["Gemini:ApiKey"] = "k",
                ["Gemini:BaseUrl"] = "http://127.0.0.1:7000",
                ["Gemini:Model"] = "gemini-x-live",
                ["Gemini:Voice"] = "Kore",
                ["Gemini:SystemInstruction"] = "Be brief.",
            },
            Environments.Development);

        Assert.Equal("ws://127.0.0.1:7000" + ServicePath, options.BuildServiceUri().AbsoluteUri);
        Assert.Equal("models/gemini-x-live", options.ModelResourceName);
        Assert.Equal("Kore", options.Voice);
        Assert.Equal("Be brief.", options.SystemInstruction);
    }

    [Fact]
    public void SeveralErrors_AreAllReportedInOneException()
    {
        var error = ResolveFailure(
            new()
            {
                ["Gemini:Backend"] = "banana",
                ["Gemini:BaseUrl"] = "ftp://x",
                ["Gemini:SetupTimeout"] = "00:00:00",
                ["Gemini:ApiVersion"] = "1",
            },
            Environments.Production);

        var all = string.Join("\n", error.Failures);
        Assert.Contains("Gemini:Backend", all, StringComparison.Ordinal);
        Assert.Contains("Gemini:BaseUrl", all, StringComparison.Ordinal);
        Assert.Contains("Gemini:SetupTimeout", all, StringComparison.Ordinal);
        Assert.Contains("Gemini:ApiVersion", all, StringComparison.Ordinal);
        Assert.Contains("Gemini:BaseUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gemini:ApiVersion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralErrors_MissingKeyReportedAlongsideTheOthers()
    {
        var error = ResolveFailure(new() { ["Gemini:BaseUrl"] = "ftp://x" }, Environments.Production);

        var all = string.Join("\n", error.Failures);
        Assert.Contains("GEMINI_API_KEY", all, StringComparison.Ordinal);
        Assert.Contains("Gemini:BaseUrl", all, StringComparison.Ordinal);
    }

    private static GeminiOptions Resolve(Dictionary<string, string?> settings, string environment)
    {
        using var services = Build(settings, environment);
        return services.GetRequiredService<IOptions<GeminiOptions>>().Value;
    }

    private static OptionsValidationException ResolveFailure(Dictionary<string, string?> settings, string environment)
    {
        using var services = Build(settings, environment);
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
