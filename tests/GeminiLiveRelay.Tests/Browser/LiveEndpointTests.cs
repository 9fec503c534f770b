using System.Net;
using System.Net.WebSockets;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Browser;

/// <summary>End to end: ClientWebSocket → relay on Kestrel → mock Gemini on Kestrel, and back.</summary>
public sealed class LiveEndpointTests
{
    [Theory]
    [InlineData("pcm16")]
    [InlineData("float32")]
    public async Task Tone_IsResampledTo16kHz_AndScriptedReplyComesBackByteIdentical(string encoding)
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        var reply = Enumerable.Range(0, 12).Select(i => TestAudio.ModelSpeech(i)).ToArray();
        mock.Script = async (connection, token) =>
        {
            await connection.WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["audioStreamEnd"] is not null), token);
            await connection.SendAsync(GeminiMessages.InputTranscript("play me a tone"), token);
            foreach (var chunk in reply)
            {
                await connection.SendAsync(GeminiMessages.Audio(chunk), token);
            }

            await connection.SendAsync(GeminiMessages.OutputTranscript("That was an A."), token);
            await connection.SendAsync(GeminiMessages.GenerationComplete(), token);
            await connection.SendAsync(GeminiMessages.TurnComplete(), token);
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri($"sampleRate=48000&encoding={encoding}"), ct);

        var ready = await client.WaitForEventAsync("ready", ct);
        var input = encoding == "pcm16" ? TestAudio.TonePcm16(48000, 440, 2) : TestAudio.ToneFloat32(48000, 440, 2);
        var bytesPerSample = encoding == "pcm16" ? 2 : 4;
        await client.StreamAsync(input, 48 * 20 * bytesPerSample, ct);
        await client.SendJsonAsync("""{"type":"audioStreamEnd"}""", ct);
        await client.WaitForEventAsync("turnComplete", ct);

        var connection = mock.Connections.Single();
        Assert.Empty(connection.Violations);
        var received = connection.ReceivedAudio();
        var wav = WavDiagnostics.Load(WavDiagnostics.Save($"mock-received-{encoding}", received, 16000));
        Assert.Equal((16000, 16, 1), (wav.Format.SampleRate, wav.Format.BitsPerSample, wav.Format.Channels));
        var inputSamples = input.Length / bytesPerSample;
        Assert.InRange(received.Length / 2, (inputSamples / 3) - 320, (inputSamples / 3) + 320);
        Assert.Equal(440, TestAudio.DominantFrequency(received, 16000));
        Assert.Equal(reply.SelectMany(b => b).ToArray(), client.Audio());
        Assert.Equal("play me a tone", (string?)client.EventsOfType("inputTranscript").Single()["text"]);
        Assert.Equal("That was an A.", (string?)client.EventsOfType("outputTranscript").Single()["text"]);
        Assert.Single(client.EventsOfType("generationComplete"));
        Assert.Equal(encoding, (string?)ready["input"]!["encoding"]);
        Assert.Equal(48000, (int)ready["input"]!["sampleRate"]!);
        Assert.Equal(24000, (int)ready["outputSampleRate"]!);
        Assert.Equal("gemini", (string?)ready["backend"]);
        Assert.Equal("gemini-3.8-live", (string?)ready["model"]);

        // Every chunk to Gemini is 20–100 ms of 16 kHz PCM16 (only the flushed tail may be shorter).
        var chunkSizes = connection.Messages
            .Where(m => m["realtimeInput"]?["audio"] is not null)
            .Select(m => Convert.FromBase64String((string)m["realtimeInput"]!["audio"]!["data"]!).Length)
            .ToList();
        Assert.All(chunkSizes.SkipLast(1), size => Assert.InRange(size, 640, 3200));

        await client.CloseAsync(ct);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task AudioSentBeforeSetupCompletes_IsHeldAndDeliveredInOrderAfterwards()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.SetupCompleteDelay = TimeSpan.FromSeconds(3); // ample time to send the 3 s below first on a busy machine
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);

        // 3 s of numbered 16 kHz samples, sent at once: long before the mock's setupComplete.
        var input = new byte[16000 * 2 * 3];
        for (var i = 0; i < input.Length / 2; i++)
        {
            BitConverter.TryWriteBytes(input.AsSpan(2 * i), (short)(i % 30000));
        }

        await client.StreamAsync(input, 640, ct);
        Assert.Empty(client.EventsOfType("ready"));
        await client.SendJsonAsync("""{"type":"audioStreamEnd"}""", ct);
        var connection = await mock.NextConnectionAsync(ct);
        await connection.WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["audioStreamEnd"] is not null), ct);

        Assert.Empty(connection.Violations); // nothing was sent before setupComplete
        Assert.Equal(input, connection.ReceivedAudio()); // 16 kHz passes through untouched, nothing lost
        await client.WaitForEventAsync("ready", ct);
    }

    [Fact]
    public async Task Interrupted_IsForwarded_AndLaterTurnsStillPlay()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(1)), token);
            await connection.SendAsync(GeminiMessages.Interrupted(), token);
            await connection.SendAsync(GeminiMessages.TurnComplete(), token);
            await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(2)), token);
            await connection.SendAsync(GeminiMessages.TurnComplete(), token);
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);

        await client.WaitUntilAsync(c => c.EventsOfType("turnComplete").Count == 2, ct);

        var order = client.Order;
        Assert.Equal(["ready", "interrupted", "turnComplete", "turnComplete"], order.Where(o => o is not ("audio" or "usage")));
        var afterInterrupt = order.Skip(order.ToList().IndexOf("interrupted")).Count(o => o == "audio");
        Assert.Equal(1, afterInterrupt);
        Assert.Equal(TestAudio.ModelSpeech(2), client.AudioFrames[^1]);
    }
}
