using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Observability;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>
/// A real session's audio reaches <c>gemini_live_relay.audio</c> while the session runs (sessions report on the
/// relay's clock, not per frame) and, once it has ended, to the byte of what each side actually received.
/// </summary>
public sealed class AudioMetricTests
{
    [Fact]
    public async Task SessionAudio_IsReportedWhileItRuns_AndExactlyByItsEnd()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.Script = async (connection, token) =>
        {
            await connection.WaitUntilAsync(c => c.ReceivedAudio().Length >= 3200, token);
            for (var chunk = 0; chunk < 3; chunk++)
            {
                await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(chunk)), token);
            }

            await connection.SendAsync(GeminiMessages.TurnComplete(), token);
        };
        await using var relay = new RelayApplication(mock.BaseUrl);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        using var recorder = new MetricRecorder(relay.Services);

        await client.StreamPacedAsync(TestAudio.TonePcm16(48000, 440, 0.5), 1920, TimeSpan.FromMilliseconds(20), ct);
        await client.WaitForEventAsync("turnComplete", ct);
        while (Seconds(recorder, "input") == 0 || Seconds(recorder, "output") == 0)
        {
            await Task.Delay(20, ct); // the session is still open: only the clock can have reported so far
        }

        await client.CloseAsync(ct);
        await mock.Connections[0].Ended.WaitAsync(ct);
        while (recorder.Metrics.ActiveSessions > 0)
        {
            await Task.Delay(20, ct);
        }

        var toGemini = mock.Connections[0].ReceivedAudio().Length;
        var toBrowser = client.Audio().Length;
        Assert.True(toGemini >= 0.45 * 32_000, $"Gemini received {toGemini} bytes");
        Assert.Equal(3 * 1920, toBrowser);
        Assert.Equal(toGemini / 32_000.0, Seconds(recorder, "input"), 9);
        Assert.Equal(toBrowser / 48_000.0, Seconds(recorder, "output"), 9);
    }

    private static double Seconds(MetricRecorder recorder, string direction) =>
        recorder.Of("gemini_live_relay.audio").Where(m => (string?)m.Tags["direction"] == direction).Sum(m => m.Value);
}
