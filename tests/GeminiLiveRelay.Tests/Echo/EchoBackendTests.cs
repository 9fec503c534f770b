using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Echo;

/// <summary>The offline echo backend answers through the real /live path with no key and no network.</summary>
public sealed class EchoBackendTests
{
    [Fact]
    public async Task Utterance_IsPlayedBackAt24kHz_WithATranscriptOfItsLength()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var relay = new RelayApplication(geminiBaseUrl: null);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=48000"), ct);
        var ready = await client.WaitForEventAsync("ready", ct);

        // 1.2 s of speech-loud tone, then 1 s of silence for the energy gate to end the utterance.
        await client.StreamAsync(TestAudio.TonePcm16(48000, 440, 1.2), 1920, ct);
        await client.StreamAsync(new byte[48000 * 2], 1920, ct);
        await client.WaitForEventAsync("turnComplete", ct);

        Assert.Equal("echo", (string?)ready["backend"]);
        var transcript = (string?)client.EventsOfType("outputTranscript").Single()["text"];
        Assert.Matches(@"^echo: \d\.\d s of audio$", transcript);
        var seconds = double.Parse(transcript!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1.2, 1.9); // the utterance plus the silence that ended it
        var audio = client.Audio();
        Assert.InRange(audio.Length / 2 / 24000.0, seconds - 0.05, seconds + 0.05);
        Assert.Equal(440, TestAudio.DominantFrequency(audio[..(24000 * 2)], 24000));
    }

    [Fact]
    public async Task TypedText_IsEchoedAsATranscript()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var relay = new RelayApplication(geminiBaseUrl: null);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);

        await client.SendJsonAsync("""{"type":"text","text":"hello relay"}""", ct);
        await client.WaitForEventAsync("turnComplete", ct);

        Assert.Equal("echo: hello relay", (string?)client.EventsOfType("outputTranscript").Single()["text"]);
    }
}
