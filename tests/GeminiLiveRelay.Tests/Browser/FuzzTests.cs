using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;
using Serilog.Events;

namespace GeminiLiveRelay.Tests.Browser;

/// <summary>
/// Thousands of random and hostile frames at /live: each bad frame ends in an error event or a precise close code,
/// nothing throws unhandled, memory returns to its baseline, and a well-behaved session alongside is untouched.
/// </summary>
[Collection(MemoryMeasurementGroup.Name)]
public sealed class FuzzTests
{
    private const int MaxMessageBytes = 4096;

    [Fact]
    public async Task HostileFrames_AreAnsweredPrecisely_AndAWellBehavedSessionIsUnaffected()
    {
        using var timeout = TestTimeout.Create(120);
        var ct = timeout.Token;
        var unhandled = 0;
        UnhandledExceptionEventHandler onUnhandled = (_, _) => Interlocked.Increment(ref unhandled);
        AppDomain.CurrentDomain.UnhandledException += onUnhandled;
        try
        {
            await using var mock = await MockGeminiServer.StartAsync(ct);
            mock.Script = async (connection, token) =>
            {
                // Only the well-behaved session ends its audio with audioStreamEnd; it gets a reply.
                await connection.WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["audioStreamEnd"] is not null), token);
                await connection.SendAsync(GeminiMessages.Audio(TestAudio.ModelSpeech(4)), token);
                await connection.SendAsync(GeminiMessages.TurnComplete(), token);
            };
            await using var relay = new RelayApplication(mock.BaseUrl, new()
            {
                ["Relay:MaxMessageBytes"] = MaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Relay:MaxImageBytes"] = "2048",
                ["Relay:MaxAudioRealtimeFactor"] = "100",
                ["Relay:MaxSessionsPerIp"] = "100",
                ["Relay:MaxSessionsPerUser"] = "100",
                ["Relay:ConnectsPerMinute"] = "1000",
                ["Serilog:MinimumLevel:Default"] = "Information",
            });
            await using var good = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);
            await good.WaitForEventAsync("ready", ct);
            var goodAudio = good.StreamPacedAsync(TestAudio.NumberedPcm16(3), 640, TimeSpan.FromMilliseconds(10), ct);

            // Clients that never finish their handshake must not hold anything up.
            var halfOpen = new List<TcpClient>();
            for (var i = 0; i < 20; i++)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync(relay.LiveUri().Host, relay.LiveUri().Port, ct);
                await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /live HTTP/1.1\r\nHost: x\r\nUpgrade: websock"), ct);
                halfOpen.Add(tcp);
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            var random = new Random(20261125);
            var frames = 0;
            var sessions = 0;
            while (frames < 2000)
            {
                var float32 = random.Next(2) == 0;
                await using var hostile = await LiveClient.ConnectAsync(relay.LiveUri(float32 ? "encoding=float32" : string.Empty), ct);
                await hostile.WaitForEventAsync("ready", ct);
                var upstream = mock.Connections[^1];
                sessions++;
                var expectedErrors = 0;
                WebSocketCloseStatus? closing = null;
                for (var i = 0; i < 200 && closing is null; i++, frames++)
                {
                    switch (random.Next(9))
                    {
                        case 0: // not whole samples
                            await hostile.SendAudioAsync(RandomBytes(random, (random.Next(1, 500) * 4) + 1), ct);
                            expectedErrors++;
                            break;
                        case 1: // NaN, ±∞ and out-of-range floats (or their bytes as PCM16): clamped, never an error
                            await hostile.SendAudioAsync(HostileFloats(random), ct);
                            break;
                        case 2: // binary garbage of whole samples: just noise
                            await hostile.SendAudioAsync(RandomBytes(random, random.Next(1, 400) * 8), ct);
                            break;
                        case 3: // truncated UTF-8 in a text frame: the WebSocket protocol's own 1007 (RFC 6455 §8.1)
                            if (random.Next(10) == 0)
                            {
                                await hostile.Socket.SendAsync(new byte[] { (byte)'{', 0xE2, 0x82 }, WebSocketMessageType.Text, true, ct);
                                closing = WebSocketCloseStatus.InvalidPayloadData;
                            }
                            else
                            {
                                await hostile.SendJsonAsync("""{"type":"text","text":"unterminated""", ct);
                                expectedErrors++;
                            }

                            break;
                        case 4: // deeply nested JSON
                            await hostile.SendJsonAsync(new string('[', 2000) + new string(']', 2000), ct);
                            expectedErrors++;
                            break;
                        case 5: // unknown or ill-typed messages
                            await hostile.SendJsonAsync(random.Next(2) == 0 ? """{"type":"selfDestruct"}""" : """{"type":42}""", ct);
                            expectedErrors++;
                            break;
                        case 6: // an image that is not base64
                            await hostile.SendJsonAsync("""{"type":"image","mimeType":"image/jpeg","data":"%%%"}""", ct);
                            expectedErrors++;
                            break;
                        case 7: // text garbage (valid UTF-8, invalid JSON)
                            await hostile.SendJsonAsync(new string([.. Enumerable.Range(0, random.Next(1, 300)).Select(_ => (char)random.Next(32, 0x2FFF))]) + "}", ct);
                            expectedErrors++;
                            break;
                        default: // over the size limit: precise close
                            if (random.Next(10) == 0)
                            {
                                await hostile.SendAudioAsync(new byte[MaxMessageBytes + 2], ct);
                                closing = WebSocketCloseStatus.MessageTooBig;
                            }
                            else
                            {
                                await hostile.SendJsonAsync("""{"type":"text","text":"a real question"}""", ct);
                            }

                            break;
                    }
                }

                if (closing is not null)
                {
                    await hostile.Closed.WaitAsync(ct);
                    Assert.Equal(closing, hostile.CloseStatus);
                    if (closing == WebSocketCloseStatus.MessageTooBig)
                    {
                        Assert.Equal("message_too_big", (string?)hostile.EventsOfType("error")[^1]["code"]);
                    }
                }
                else
                {
                    await hostile.WaitUntilAsync(c => c.EventsOfType("error").Count >= expectedErrors, ct);
                    Assert.Equal(expectedErrors, hostile.EventsOfType("error").Count);
                    Assert.All(hostile.EventsOfType("error"), e => Assert.Contains((string?)e["code"], new[] { "bad_audio_frame", "bad_message" }));
                    await hostile.CloseAsync(ct);
                }

                await upstream.Ended.WaitAsync(ct); // the relay closed this session's Gemini side too
                mock.Forget(upstream); // the test's own records are not the relay's memory
            }

            await goodAudio;
            await good.SendJsonAsync("""{"type":"audioStreamEnd"}""", ct);
            await good.WaitForEventAsync("turnComplete", ct);
            foreach (var tcp in halfOpen)
            {
                tcp.Dispose();
            }

            await GeminiLiveRelay.Tests.Access.AccessTests.WaitForAsync(
                () => relay.Logs.Events.Count(e => e.MessageTemplate.Text.StartsWith("Session ended", StringComparison.Ordinal)) >= sessions, ct);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var after = GC.GetTotalMemory(forceFullCollection: true);

            Assert.Empty(good.EventsOfType("error"));
            Assert.Equal(TestAudio.ModelSpeech(4), good.Audio());
            Assert.Equal(TestAudio.NumberedPcm16(3), mock.Connections[0].ReceivedAudio()); // its audio arrived whole
            Assert.DoesNotContain(relay.Logs.Events, e => e.Level >= LogEventLevel.Error);
            Assert.Equal(0, unhandled);
            Assert.InRange(after - baseline, long.MinValue, 32L * 1024 * 1024); // back near the baseline, not growing per frame
            Assert.True(frames >= 2000);
        }
        finally
        {
            AppDomain.CurrentDomain.UnhandledException -= onUnhandled;
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] HostileFloats(Random random)
    {
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e30f, 1.5f, -2f, float.Epsilon];
        var samples = new float[random.Next(1, 200) * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = specials[random.Next(specials.Length)];
        }

        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();
    }
}
