using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GeminiLiveRelay.Tests.BrowserClient;

/// <summary>
/// Push to talk, camera and screen frames, tool calls, grounding, usage and warnings on the bundled page, in headless
/// Chromium (fake microphone, fake camera pattern, fake screen) against the relay and the mock Gemini.
/// </summary>
[Collection(ChromiumGroup.Name)]
public sealed class BrowserFeatureTests(ChromiumFixture chromium)
{
    private const int HalfSecondAt16kHz = 16000; // bytes of 16 kHz PCM16

    [Fact]
    public async Task PushToTalk_SendsActivityStartAudioActivityEnd_AndNoAudioWhileReleased()
    {
        using var timeout = TestTimeout.Create(90);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/?vad=manual"));
        var ptt = page.ByTestId("ptt");
        var status = page.ByTestId("status");

        await Assertions.Expect(page.ByTestId("ptt-mode")).ToBeCheckedAsync(); // linked from the address
        await page.ByTestId("start").ClickAsync();
        await Assertions.Expect(page.ByTestId("backend")).ToHaveTextAsync("gemini");
        await Assertions.Expect(status).ToHaveTextAsync("Hold to talk…");
        await Assertions.Expect(page.ByTestId("mute")).ToBeDisabledAsync(); // audioStreamEnd is refused with vad=manual
        var connection = mock.Connections.Single();
        Assert.True((bool?)connection.Setup!["realtimeInputConfig"]?["automaticActivityDetection"]?["disabled"]);

        // Not held: the microphone runs (the meter moves) but nothing is sent.
        await Task.Delay(500, ct);
        Assert.Equal(0, connection.AudioMessageCount);
        Assert.Equal(0, await page.StatAsync("framesSent"));

        // 1. The mouse: held on the button.
        await ptt.HoverAsync();
        await page.Page.Mouse.DownAsync();
        await Assertions.Expect(ptt).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(status).ToHaveTextAsync("Listening…");
        await WaitForHalfASecondOfTalkAsync(connection, turn: 1, ct);
        await page.Page.Mouse.UpAsync();
        await connection.WaitUntilAsync(c => Count(c, "activityEnd") == 1, ct);
        await Assertions.Expect(ptt).ToHaveAttributeAsync("aria-pressed", "false");
        await Assertions.Expect(status).ToHaveTextAsync("Hold to talk…");
        await AssertSilentAfterActivityEndAsync(page, connection, ct);

        // 2. Space on the focused button (key repeats are ignored: one activityStart however long it is held).
        await ptt.FocusAsync();
        await page.Page.Keyboard.DownAsync("Space");
        await Assertions.Expect(ptt).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Page.Keyboard.DownAsync("Space"); // what an auto-repeat delivers: repeat = true
        await WaitForHalfASecondOfTalkAsync(connection, turn: 2, ct);
        await page.Page.Keyboard.UpAsync("Space");
        await connection.WaitUntilAsync(c => Count(c, "activityEnd") == 2, ct);
        await Assertions.Expect(ptt).ToHaveAttributeAsync("aria-pressed", "false");
        await AssertSilentAfterActivityEndAsync(page, connection, ct);

        // 3. Space with nothing focused (the page body).
        await page.Page.EvaluateAsync("() => document.activeElement?.blur()");
        await page.Page.Keyboard.DownAsync("Space");
        await WaitForHalfASecondOfTalkAsync(connection, turn: 3, ct);
        await page.Page.Keyboard.UpAsync("Space");
        await connection.WaitUntilAsync(c => Count(c, "activityEnd") == 3, ct);
        await AssertSilentAfterActivityEndAsync(page, connection, ct);

        // Space while typing is a space, not a turn.
        await page.ByTestId("text-input").FocusAsync();
        await page.Page.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.ByTestId("text-input")).ToHaveValueAsync(" ");
        await Task.Delay(300, ct);
        Assert.Equal(3, Count(connection, "activityStart"));

        // activityStart, audio…, activityEnd, three times over, and nothing else.
        var kinds = connection.Messages.Select(Kind).ToList();
        var collapsed = kinds.Where((kind, i) => i == 0 || kind != kinds[i - 1]).ToList();
        string[] expected = ["activityStart", "audio", "activityEnd", "activityStart", "audio", "activityEnd", "activityStart", "audio", "activityEnd"];
        Assert.True(expected.SequenceEqual(collapsed), "upstream: " + string.Join(", ", kinds));
        Assert.Empty(connection.Violations);
        Assert.Equal(0, await page.StatAsync("errors"));
        await Assertions.Expect(status).Not.ToHaveClassAsync(new Regex(@"\berror\b"));
        Assert.Empty(page.ConsoleErrors);
    }

    [Fact]
    public async Task Camera_SendsAboutOneJpegASecond_NoLargerThan768_AndStopsWhenTurnedOff()
    {
        using var timeout = TestTimeout.Create(90);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/"));
        await page.ByTestId("start").ClickAsync();
        await Assertions.Expect(page.ByTestId("backend")).ToHaveTextAsync("gemini");
        var connection = mock.Connections.Single();
        var camera = page.ByTestId("camera");
        var preview = page.ByTestId("preview");
        await Assertions.Expect(preview).ToBeHiddenAsync();

        await camera.ClickAsync();
        await Assertions.Expect(camera).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(preview).ToBeVisibleAsync();
        await connection.WaitUntilAsync(c => Images(c).Count >= 1, ct);
        var atFirst = Images(connection).Count;
        await Task.Delay(2500, ct);
        var inTwoAndAHalfSeconds = Images(connection).Count - atFirst;

        await camera.ClickAsync();
        await Assertions.Expect(camera).ToHaveAttributeAsync("aria-pressed", "false");
        await Assertions.Expect(preview).ToBeHiddenAsync();
        var sent = (int)await page.StatAsync("imagesSent");
        await connection.WaitUntilAsync(c => Images(c).Count >= sent, ct);
        await Task.Delay(1500, ct); // two frame periods: nothing more comes
        Assert.Equal(sent, (int)await page.StatAsync("imagesSent"));
        Assert.Equal(sent, Images(connection).Count);

        Assert.InRange(inTwoAndAHalfSeconds, 1, 4); // about one a second
        foreach (var image in Images(connection))
        {
            Assert.Equal("image/jpeg", (string?)image["mimeType"]);
            var jpeg = Convert.FromBase64String((string)image["data"]!);
            Assert.True(JpegInfo.HasSignature(jpeg), "not a JPEG");
            var (width, height) = JpegInfo.ReadSize(jpeg);
            Assert.InRange(Math.Max(width, height), 64, 768);
        }

        Assert.True(await page.Page.EvaluateAsync<bool>("() => document.querySelector('[data-testid=preview]').srcObject === null"));
        Assert.Equal(0, await page.StatAsync("warnings")); // the page keeps to the relay's 1 frame/s
        Assert.Equal(0, await page.StatAsync("errors"));
        Assert.Empty(connection.Violations);
        Assert.Empty(page.ConsoleErrors);
    }

    [Fact]
    public async Task ScreenShare_SendsFramesScaledTo768_AndTakesOverFromTheCamera()
    {
        using var timeout = TestTimeout.Create(90);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/"));
        await page.ByTestId("start").ClickAsync();
        await Assertions.Expect(page.ByTestId("backend")).ToHaveTextAsync("gemini");
        var connection = mock.Connections.Single();
        var camera = page.ByTestId("camera");
        var screen = page.ByTestId("screen");

        await camera.ClickAsync();
        await Assertions.Expect(camera).ToHaveAttributeAsync("aria-pressed", "true");
        await screen.ClickAsync(); // one source at a time
        await Assertions.Expect(screen).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(camera).ToHaveAttributeAsync("aria-pressed", "false");
        await Assertions.Expect(page.ByTestId("preview")).ToBeVisibleAsync();
        // Chromium's fake screen is 1280×720: the frame is scaled down to 768 on its longest side.
        await connection.WaitUntilAsync(c => Images(c).Any(i => LongestSide(i) == 768), ct);

        await screen.ClickAsync();
        await Assertions.Expect(screen).ToHaveAttributeAsync("aria-pressed", "false");
        await Assertions.Expect(page.ByTestId("preview")).ToBeHiddenAsync();
        Assert.All(Images(connection), i => Assert.InRange(LongestSide(i), 64, 768));
        Assert.Equal(0, await page.StatAsync("warnings"));
        Assert.Empty(connection.Violations);
        Assert.Empty(page.ConsoleErrors);
    }

    [Fact]
    public async Task ToolCalls_Grounding_AndUsage_AreShownOnThePage()
    {
        using var timeout = TestTimeout.Create(90);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new()
        {
            ["Gemini:Tools:0"] = "get_current_time",
            ["Gemini:Tools:1"] = "calculate",
        });
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/"));
        await page.ByTestId("start").ClickAsync();
        await Assertions.Expect(page.ByTestId("backend")).ToHaveTextAsync("gemini");
        var connection = mock.Connections.Single();

        await connection.SendAsync("""
            {"toolCall":{"functionCalls":[
              {"id":"call-1","name":"get_current_time","args":{"timeZone":"UTC"}},
              {"id":"call-2","name":"calculate","args":{"expression":"1/"}}]}}
            """, ct);
        await connection.WaitUntilAsync(c => ToolResponses(c).Count == 2, ct);
        var calls = page.ByTestId("tool-call");
        await Assertions.Expect(calls).ToHaveCountAsync(2);
        await Assertions.Expect(calls.Nth(0)).ToContainTextAsync("🔧 get_current_time");
        await Assertions.Expect(calls.Nth(0)).ToContainTextAsync(new Regex(@"✓ \d+ ms"));
        await Assertions.Expect(calls.Nth(1)).ToContainTextAsync("🔧 calculate");
        await Assertions.Expect(calls.Nth(1)).ToContainTextAsync("✗");
        Assert.Equal("UTC", (string?)ToolResponses(connection).Single(r => (string?)r["id"] == "call-1")["response"]?["output"]?["timeZone"]);

        await connection.SendAsync(GeminiMessages.ServerContent(content => content["groundingMetadata"] = new JsonObject
        {
            ["groundingChunks"] = new JsonArray(
                new JsonObject { ["web"] = new JsonObject { ["uri"] = "https://time.example/utc", ["title"] = "World clock" } },
                new JsonObject { ["web"] = new JsonObject { ["uri"] = "javascript:alert(1)", ["title"] = "Never a link" } }),
            ["webSearchQueries"] = new JsonArray("time now UTC"),
        }), ct);
        await connection.SendAsync(GeminiMessages.OutputTranscript("It is noon in UTC."), ct);
        await connection.SendAsync(GeminiMessages.TurnComplete(), ct); // usage 120 + 48 = 168
        await connection.SendAsync(GeminiMessages.TurnComplete(), ct); // and again: the page sums turns

        var grounding = page.ByTestId("grounding");
        await Assertions.Expect(grounding).ToHaveCountAsync(1);
        var link = grounding.GetByRole(AriaRole.Link, new() { Name = "World clock" });
        await Assertions.Expect(link).ToHaveAttributeAsync("href", "https://time.example/utc");
        await Assertions.Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Assertions.Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Assertions.Expect(grounding.Locator("a")).ToHaveCountAsync(1); // the javascript: URI is not a link
        await Assertions.Expect(page.Page.Locator("[data-testid=transcript] li.model").Filter(new() { Has = grounding }))
            .ToContainTextAsync("It is noon in UTC.");
        await Assertions.Expect(page.ByTestId("usage")).ToContainTextAsync("336");
        Assert.Equal(2, await page.StatAsync("toolCalls"));
        Assert.Empty(connection.Violations);
        Assert.Empty(page.ConsoleErrors);
    }

    [Fact]
    public async Task Warning_IsShownInTheStatusLine_NotAsAnError_AndTheSessionGoesOn()
    {
        using var timeout = TestTimeout.Create(90);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        // One frame per 100 s: the camera's second frame is over the limit.
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Relay:MaxImagesPerSecond"] = "0.01" });
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/"));
        await page.ByTestId("start").ClickAsync();
        await Assertions.Expect(page.ByTestId("backend")).ToHaveTextAsync("gemini");
        var connection = mock.Connections.Single();

        await page.ByTestId("camera").ClickAsync();
        var status = page.ByTestId("status");
        await Assertions.Expect(status).ToContainTextAsync("Relay:MaxImagesPerSecond");
        await Assertions.Expect(status).ToHaveClassAsync(new Regex(@"\bwarning\b"));
        await Assertions.Expect(status).Not.ToHaveClassAsync(new Regex(@"\berror\b"));

        // Still connected: a typed turn goes through.
        await page.ByTestId("text-input").FillAsync("still there?");
        await page.ByTestId("text-input").PressAsync("Enter");
        await connection.WaitUntilAsync(c => c.Messages.Any(m => (string?)m["realtimeInput"]?["text"] == "still there?"), ct);

        // Stop with the camera on turns it off too.
        await page.ByTestId("stop").ClickAsync();
        await Assertions.Expect(page.ByTestId("preview")).ToBeHiddenAsync();
        await Assertions.Expect(page.ByTestId("camera")).ToHaveAttributeAsync("aria-pressed", "false");
        await Assertions.Expect(page.ByTestId("camera")).ToBeDisabledAsync();
        Assert.Equal(1, await page.StatAsync("warnings"));
        Assert.Equal(0, await page.StatAsync("errors"));
        Assert.Single(Images(connection));
        Assert.Empty(page.ConsoleErrors);
    }

    /// <summary>Waits for the turn's activityStart and then half a second of audio after it.</summary>
    private static Task WaitForHalfASecondOfTalkAsync(MockGeminiConnection connection, int turn, CancellationToken ct) =>
        connection.WaitUntilAsync(c => Count(c, "activityStart") == turn && AudioBytesSinceLast(c, "activityStart") >= HalfSecondAt16kHz, ct);

    private static async Task AssertSilentAfterActivityEndAsync(PageSession page, MockGeminiConnection connection, CancellationToken ct)
    {
        var frames = await page.StatAsync("framesSent");
        await Task.Delay(300, ct);
        Assert.Equal("activityEnd", Kind(connection.Messages[^1]));
        Assert.Equal(frames, await page.StatAsync("framesSent"));
    }

    /// <summary>The one field of a realtimeInput message (audio, video, activityStart, …) or the message's own key.</summary>
    private static string Kind(JsonObject message) =>
        message["realtimeInput"] is JsonObject input ? input.First().Key : message.First().Key;

    private static int Count(MockGeminiConnection connection, string kind) => connection.Messages.Count(m => Kind(m) == kind);

    private static int AudioBytesSinceLast(MockGeminiConnection connection, string kind)
    {
        var messages = connection.Messages;
        var start = messages.ToList().FindLastIndex(m => Kind(m) == kind);
        return start < 0
            ? 0
            : messages.Skip(start + 1)
                .Where(m => Kind(m) == "audio")
                .Sum(m => Convert.FromBase64String((string)m["realtimeInput"]!["audio"]!["data"]!).Length);
    }

    private static List<JsonObject> Images(MockGeminiConnection connection) =>
        [.. connection.Messages.Select(m => m["realtimeInput"]?["video"]).OfType<JsonObject>()];

    private static int LongestSide(JsonObject image)
    {
        var (width, height) = JpegInfo.ReadSize(Convert.FromBase64String((string)image["data"]!));
        return Math.Max(width, height);
    }

    private static List<JsonNode> ToolResponses(MockGeminiConnection connection) =>
        [.. connection.Messages
            .Where(m => m["toolResponse"] is not null)
            .SelectMany(m => m["toolResponse"]!["functionResponses"]!.AsArray())
            .OfType<JsonNode>()];
}
