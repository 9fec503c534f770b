namespace GeminiLiveRelay.Tests.BrowserClient;

/// <summary>
/// Every page test shares one headless Chromium and runs one at a time: two browsers playing and capturing audio
/// side by side on a small machine would make the timing assertions (a flush within 100 ms) flaky.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ChromiumGroup : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Headless Chromium";
}
