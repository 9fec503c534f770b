using System.Text.Json;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Audio;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GeminiLiveRelay.Tests.BrowserClient;

/// <summary>
/// The bundled page in real headless Chromium, with a fake microphone playing a 440 Hz tone, against the relay and
/// the mock Gemini server. Headless Chromium has no sound card, so its default AudioContext runs at 44.1 kHz.
/// </summary>
[Collection(ChromiumGroup.Name)]
public sealed class BrowserClientTests(ChromiumFixture chromium, ITestOutputHelper output)
{
    private const int OutputRate = 24000;

    // Test instrumentation: when, and how many samples of, model audio the page hands to the playback worklet
    // (and when it says the turn's audio is complete), read before the buffer is transferred.
    private const string RecordPlaybackHandOffs = """
        (() => {
          const handOffs = window.__playbackHandOffs = [];
          const post = MessagePort.prototype.postMessage;
          MessagePort.prototype.postMessage = function (message, ...rest) {
            if (message?.type === 'audio') handOffs.push([performance.now(), message.pcm.byteLength / 2]);
            if (message?.type === 'end') handOffs.push([performance.now(), -1]);
            return post.call(this, message, ...rest);
          };
        })();
        """;

    [Theory]
    [InlineData("")]
    [InlineData("?sampleRate=48000")] // the test-only switch that forces a 48 kHz capture context
    public async Task Conversation_MicToneReachesGemini_ReplyIsPlayedInFull_TranscriptsShown(string pageQuery)
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        var reply = AudioSignals.ToPcm16Bytes(AudioSignals.Sine(OutputRate, 660, 0.3, OutputRate)); // 1 s
        mock.Script = async (connection, token) =>
        {
            await connection.WaitUntilAsync(c => c.ReceivedAudio().Length >= 16000 * 2, token); // 1 s of mic audio
            await connection.SendAsync(GeminiMessages.InputTranscript("Is this "), token);
            await connection.SendAsync(GeminiMessages.InputTranscript("a tone?"), token);
            for (var offset = 0; offset < reply.Length; offset += 1920)
            {
                await connection.SendAsync(GeminiMessages.Audio(reply.AsSpan(offset, Math.Min(1920, reply.Length - offset))), token);
            }

            await connection.SendAsync(GeminiMessages.OutputTranscript("Yes, "), token);
            await connection.SendAsync(GeminiMessages.OutputTranscript("an A."), token);
            await connection.SendAsync(GeminiMessages.GenerationComplete(), token);
            await connection.SendAsync(GeminiMessages.TurnComplete(), token);
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/" + pageQuery), RecordPlaybackHandOffs);

        await page.ByTestId("start").ClickAsync();
        await Assertions.Expect(page.ByTestId("backend")).ToHaveTextAsync("gemini");
        await page.WaitForStatsAsync($"s.samplesPlayed >= {reply.Length / 2}");
        await Assertions.Expect(page.ByTestId("transcript")).ToContainTextAsync("Is this a tone?");
        await Assertions.Expect(page.ByTestId("transcript")).ToContainTextAsync("Yes, an A.");

        var stats = await page.StatsAsync();
        var connection = mock.Connections.Single();
        var received = connection.ReceivedAudio();
        WavDiagnostics.Save($"page-mic-at-gemini{pageQuery.Replace('?', '-').Replace('=', '-')}", received, 16000);
        Assert.Empty(connection.Violations);
        Assert.Equal(ChromiumFixture.ToneHz, TestAudio.DominantFrequency(received[(received.Length / 4 * 2)..], 16000));
        Assert.Equal(reply.Length / 2, stats.GetProperty("samplesPlayed").GetInt32()); // all of it, once

        // The jitter buffer must play the reply without a gap whenever the audio reached it in time. The mock sends
        // the whole second at once, but on a 2-core machine running the rest of the suite, Chromium and a fresh
        // relay, delivery to the page was seen to stall for 40–125 ms after the first few chunks (packet captures put
        // part of it in the relay process, which shares the cores, the rest in the browser), longer than the 80 ms
        // preroll: an underrun then is the buffer doing its job, and it grows its preroll.
        var handOffs = await page.Page.EvaluateAsync<double[][]>("() => window.__playbackHandOffs");
        var margin = PlaybackMargin.LeanestMs(handOffs, prerollMs: 80, OutputRate);
        output.WriteLine($"audio handed to the worklet at least {margin:F1} ms ahead of playback; hand-offs (ms, samples): "
            + string.Join(' ', handOffs.Select(h => $"{h[0] - handOffs[0][0]:F1}/{h[1]}")));
        if (margin >= PlaybackMargin.EnoughMs)
        {
            Assert.Equal(0, stats.GetProperty("underruns").GetInt32());
        }

        Assert.Equal(reply.Length, stats.GetProperty("audioBytesReceived").GetInt32());
        var rate = stats.GetProperty("captureSampleRate").GetInt32();
        if (pageQuery.Length > 0)
        {
            Assert.Equal(48000, rate);
        }
        else
        {
            Assert.Contains(rate, new[] { 44100, 48000 });
        }

        // 20–40 ms per frame: samples per frame between 0.02 and 0.04 of the rate.
        var perFrame = stats.GetProperty("samplesCaptured").GetDouble() / stats.GetProperty("framesSent").GetDouble();
        Assert.InRange(perFrame / rate, 0.02, 0.04);
        Assert.Equal(2, await page.Page.Locator("[data-testid=transcript] li").CountAsync()); // chunks merged per speaker
        await Assertions.Expect(page.Page.GetByTestId("ttfa")).ToHaveCountAsync(1);
        Assert.Empty(page.ConsoleErrors);
    }

    [Fact]
    public async Task Interrupted_FlushesPlaybackWithin100ms_AndDiscardsTheQueuedAudio()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/"));
        await page.ByTestId("start").ClickAsync();
        var connection = await mock.NextConnectionAsync(ct);
        await Assertions.Expect(page.ByTestId("backend")).ToHaveTextAsync("gemini");

        // 5 s of speech, delivered much faster than real time, as the service does.
        var longReply = AudioSignals.ToPcm16Bytes(AudioSignals.Sine(OutputRate, 500, 0.3, OutputRate * 5));
        for (var offset = 0; offset < longReply.Length; offset += 1920)
        {
            await connection.SendAsync(GeminiMessages.Audio(longReply.AsSpan(offset, 1920)), ct);
        }

        await page.WaitForStatsAsync("s.samplesPlayed >= 4800"); // 200 ms into the answer
        // All of it on the page first: audio still queued in the relay when `interrupted` arrives is dropped there.
        await page.WaitForStatsAsync($"s.audioBytesReceived === {longReply.Length}");
        await page.Page.EvaluateAsync("""
            () => {
              const w = window.__watch = { changes: [], interruptedAt: 0, longestTickGap: 0 };
              let last = -1;
              let tick = 0;
              w.timer = setInterval(() => {
                const s = window.liveRelayStats;
                const now = performance.now();
                if (w.interruptedAt) w.longestTickGap = Math.max(w.longestTickGap, now - tick);
                tick = now;
                if (s.interruptions > 0 && !w.interruptedAt) w.interruptedAt = now;
                if (s.samplesPlayed !== last) { w.changes.push(now); last = s.samplesPlayed; }
              }, 2);
            }
            """);
        await connection.SendAsync(GeminiMessages.Interrupted(), ct);
        await connection.SendAsync(GeminiMessages.TurnComplete(), ct);
        await page.WaitForStatsAsync("s.flushes === 1 && s.bufferedSamples === 0");
        await Task.Delay(400, ct);
        var watch = await page.Page.EvaluateAsync<JsonElement>("() => { clearInterval(window.__watch.timer); return window.__watch; }");

        var interruptedAt = watch.GetProperty("interruptedAt").GetDouble();
        var lastChange = watch.GetProperty("changes").EnumerateArray().Last().GetDouble();
        var longestTickGap = watch.GetProperty("longestTickGap").GetDouble();
        Assert.True(interruptedAt > 0, "the page never saw the interruption");
        var stats = await page.StatsAsync();
        var played = stats.GetProperty("samplesPlayed").GetInt32();
        var discarded = stats.GetProperty("samplesDiscarded").GetInt32();

        // On the audio clock, exactly: once the flush reached the player, only its 20 ms fade played.
        Assert.InRange(played - stats.GetProperty("samplesPlayedAtFlush").GetInt32(), 0, OutputRate / 50);
        // On the page's clock, within 100 ms, unless the page's own 2 ms ticker stalled (a 2-core machine running
        // the suite with Chromium was seen to stretch this to 155 ms when a third process kept one core busy).
        output.WriteLine($"last playback change {lastChange - interruptedAt:F1} ms after the interruption; longest page tick gap {longestTickGap:F1} ms");
        if (longestTickGap < 30)
        {
            Assert.InRange(lastChange - interruptedAt, -1000, 100);
        }

        Assert.InRange(played, 4800, OutputRate * 2); // stopped well before the end of the 5 s
        Assert.Equal(longReply.Length / 2, played + discarded); // nothing lost without account, nothing played twice

        // The next turn plays normally.
        var next = AudioSignals.ToPcm16Bytes(AudioSignals.Sine(OutputRate, 700, 0.3, OutputRate / 2));
        for (var offset = 0; offset < next.Length; offset += 1920)
        {
            await connection.SendAsync(GeminiMessages.Audio(next.AsSpan(offset, Math.Min(1920, next.Length - offset))), ct);
        }

        await connection.SendAsync(GeminiMessages.TurnComplete(), ct);
        await page.WaitForStatsAsync($"s.samplesPlayed === {played + (next.Length / 2)}");
        Assert.Empty(page.ConsoleErrors);
    }

    [Fact]
    public async Task TypedMessage_ReachesGeminiAsATextTurn()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/"));
        await page.ByTestId("start").ClickAsync();
        await Assertions.Expect(page.ByTestId("backend")).ToHaveTextAsync("gemini");

        await page.ByTestId("text-input").FillAsync("What's the weather like?");
        await page.ByTestId("text-input").PressAsync("Enter");
        var connection = mock.Connections.Single();
        await connection.WaitUntilAsync(c => c.Messages.Any(m => (string?)m["realtimeInput"]?["text"] == "What's the weather like?"), ct);

        await Assertions.Expect(page.ByTestId("transcript")).ToContainTextAsync("What's the weather like?");
        await Assertions.Expect(page.ByTestId("text-input")).ToHaveValueAsync(string.Empty);
        Assert.Empty(page.ConsoleErrors);
    }

    [Fact]
    public async Task UpstreamFailure_ShowsTheRelaysErrorOnThePage()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.SetupBehavior = MockSetupBehavior.Close;
        mock.SetupCloseCode = 1008;
        mock.SetupCloseReason = "models/gemini-x is not found for API version v1";
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/"));

        await page.ByTestId("start").ClickAsync();

        await Assertions.Expect(page.ByTestId("status")).ToContainTextAsync("models/gemini-x is not found");
        await Assertions.Expect(page.ByTestId("start")).ToBeEnabledAsync();
        Assert.Empty(page.ConsoleErrors);
    }

    [Fact]
    public async Task Mute_SendsAudioStreamEnd_AndStopsTheAudio_UnmuteResumesIt()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var page = await PageSession.OpenAsync(chromium.Browser, relay.HttpUri("/"));
        await page.ByTestId("start").ClickAsync();
        var connection = await mock.NextConnectionAsync(ct);
        await connection.WaitUntilAsync(c => c.AudioMessageCount > 10, ct);

        await page.ByTestId("mute").ClickAsync();
        await connection.WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["audioStreamEnd"] is not null), ct);
        var framesAtMute = await page.StatAsync("framesSent");
        await Task.Delay(300, ct);
        var framesWhileMuted = await page.StatAsync("framesSent");
        await Assertions.Expect(page.ByTestId("mute")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.ByTestId("mute").ClickAsync();
        await page.WaitForStatsAsync($"s.framesSent > {framesWhileMuted + 5}");

        Assert.Equal(framesAtMute, framesWhileMuted);
        Assert.Empty(page.ConsoleErrors);
    }
}
