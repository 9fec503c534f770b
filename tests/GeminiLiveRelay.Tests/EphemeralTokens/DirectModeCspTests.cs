using GeminiLiveRelay.EphemeralTokens;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GeminiLiveRelay.Tests.EphemeralTokens;

/// <summary>The extra <c>connect-src</c> origin direct mode needs: Gemini's, only while ephemeral tokens are on.</summary>
public sealed class DirectModeCspTests
{
    [Fact]
    public async Task Enabled_AddsGeminisWebSocketOrigin()
    {
        await using var relay = new RelayApplication(geminiBaseUrl: null, new()
        {
            ["Gemini:ApiKey"] = "k",
            ["Gemini:BaseUrl"] = "",
            ["Relay:EphemeralTokens:Enabled"] = "true",
        });

        Assert.Equal(" wss://generativelanguage.googleapis.com", DirectModeCsp.ConnectSources(relay.Services));
    }

    [Fact]
    public async Task Disabled_AddsNothing()
    {
        await using var relay = new RelayApplication(new Uri("http://127.0.0.1:9"));

        Assert.Equal(string.Empty, DirectModeCsp.ConnectSources(relay.Services));
    }
}
