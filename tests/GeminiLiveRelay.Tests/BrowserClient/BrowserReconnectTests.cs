using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GeminiLiveRelay.Tests.BrowserClient;

/// <summary>The page signs in with its token, and reconnects and resumes after its socket drops.</summary>
[Collection(ChromiumGroup.Name)]
public sealed class BrowserReconnectTests(ChromiumFixture chromium)
{
    private const string Key = "page-key-0123456789abcdefghij";

    [Fact]
    public async Task DroppedSocket_PageReconnectsWithItsResumeToken_AndKeepsTheTranscript()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            if (mock.Connections.ToList().IndexOf(connection) == 0)
            {
                // The token first: the relay and the page keep the order, so once the transcript shows, the page
                // holds the token.
                await connection.SendAsync(GeminiMessages.ResumptionUpdate("handle-from-page"), token);
                await connection.SendAsync(GeminiMessages.OutputTranscript("Before the drop."), token);
                await connection.SendAsync(GeminiMessages.TurnComplete(), token);
            }
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/"));
        await page.ByTestId("start").ClickAsync();
        await Assertions.Expect(page.ByTestId("transcript")).ToContainTextAsync("Before the drop.");
        await page.Page.WaitForFunctionAsync("() => window.liveRelayStats !== undefined");

        await page.Page.EvaluateAsync("() => window.liveRelayTest.dropConnection()");
        await page.WaitForStatsAsync("s.reconnects === 1");

        Assert.Equal(2, mock.Connections.Count);
        Assert.Equal("handle-from-page", (string?)mock.Connections[1].Setup!["sessionResumption"]!["handle"]);
        await Assertions.Expect(page.ByTestId("transcript")).ToContainTextAsync("Before the drop."); // kept
        await Assertions.Expect(page.ByTestId("status")).ToContainTextAsync("Reconnected");
        await mock.Connections[1].WaitUntilAsync(c => c.AudioMessageCount > 5, ct); // the microphone flows again
        Assert.Empty(page.ConsoleErrors);
    }

    [Fact]
    public async Task KeysMode_PageUsesTheTokenFromItsAddress_AndHidesIt()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new()
        {
            ["Relay:Auth:Mode"] = "keys",
            ["Relay:Auth:Keys:0:Name"] = "page-user",
            ["Relay:Auth:Keys:0:Key"] = Key,
        });
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/?token=" + Key));

        await page.ByTestId("start").ClickAsync();
        await Assertions.Expect(page.ByTestId("backend")).ToHaveTextAsync("gemini");

        Assert.DoesNotContain(Key, page.Page.Url, StringComparison.Ordinal); // taken out of the address bar
        Assert.Single(mock.Connections);
    }
}
