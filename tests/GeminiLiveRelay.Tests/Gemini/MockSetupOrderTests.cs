using System.Net.WebSockets;
using System.Text;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Gemini;

/// <summary>
/// The mock judges "sent before setupComplete" by what the client could have seen: a message before setupComplete is
/// a violation, one answering it at once is not, and takes the audio path (the load tool counts frames there).
/// </summary>
public sealed class MockSetupOrderTests
{
    private const string Setup = """{"setup":{"model":"models/gemini-live-2.5-flash-preview"}}""";
    private const string Audio = """{"realtimeInput":{"audio":{"data":"AAABAAIAAwA=","mimeType":"audio/pcm;rate=16000"}}}""";

    [Fact]
    public async Task AudioBeforeSetupComplete_IsAViolation()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        mock.SetupCompleteDelay = TimeSpan.FromMilliseconds(300);
        using var socket = await ConnectAsync(mock, ct);

        await SendAsync(socket, Setup, ct);
        await SendAsync(socket, Audio, ct);
        var connection = await mock.NextConnectionAsync(ct);
        await connection.WaitUntilAsync(c => c.Violations.Count > 0, ct);

        Assert.Contains("before setupComplete", connection.Violations[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AudioSentTheMomentSetupCompleteArrives_IsReadAsAudio_OnEveryConnection()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        var heard = 0;
        var responder = new MockAutoResponder(new MockAutoResponderOptions { UtteranceLength = TimeSpan.FromMinutes(1) })
        {
            OnInputAudio = (_, pcm) => Interlocked.Add(ref heard, pcm.Length),
        };
        responder.Attach(mock);

        // Many clients at once, each answering setupComplete with audio as fast as it can: the window in which the
        // mock had sent setupComplete but not yet marked setup as done is where a busy machine lost a frame.
        const int Clients = 40;
        var clients = Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => AnswerSetupWithAudioAsync(mock, ct)));
        var connections = new List<MockGeminiConnection>();
        while (connections.Count < Clients)
        {
            connections.Add(await mock.NextConnectionAsync(ct));
        }

        await clients;
        await Task.WhenAll(connections.Select(c => c.ClientFinished)).WaitAsync(ct); // every message read

        Assert.All(connections, c => Assert.Empty(c.Violations));
        Assert.Equal(Clients, (int)responder.AudioMessages);
        Assert.Equal(Clients * 8, Volatile.Read(ref heard));
    }

    private static async Task AnswerSetupWithAudioAsync(MockGeminiServer mock, CancellationToken ct)
    {
        using var socket = await ConnectAsync(mock, ct);
        await SendAsync(socket, Setup, ct);
        var buffer = new byte[4096];
        var reply = await socket.ReceiveAsync(buffer, ct);
        Assert.Contains("setupComplete", Encoding.UTF8.GetString(buffer, 0, reply.Count), StringComparison.Ordinal);
        await SendAsync(socket, Audio, ct);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
    }

    private static async Task<ClientWebSocket> ConnectAsync(MockGeminiServer mock, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("x-goog-api-key", RelayApplication.TestApiKey);
        var uri = new UriBuilder(mock.BaseUrl)
        {
            Scheme = "ws",
            Path = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
        }.Uri;
        await socket.ConnectAsync(uri, ct);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string json, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, ct);
}
