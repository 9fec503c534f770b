using System.Net.Sockets;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Access;

/// <summary>The API key never leaves the server: not in frames to the browser, not in any log line, not in any response.</summary>
public sealed class SecretsTests
{
    [Fact]
    public async Task ApiKey_AppearsInNoFrameNoLogAtAnyLevelAndNoResponse_EvenOnFailures()
    {
        using var timeout = TestTimeout.Create(60);
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        // Gemini ends the session only after the relay has answered the bad input; otherwise the policy close can
        // beat the test's own sends and there is no socket left to send them on.
        var badInputAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        mock.Script = async (connection, token) =>
        {
            await badInputAnswered.Task.WaitAsync(token);
            await connection.SendAsync(GeminiMessages.OutputTranscript("hello"), token);
            await connection.CloseAsync(1008, "Your API key was reported as leaked. Please use another API key.", token);
        };
        var settings = new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Verbose", ["Serilog:MinimumLevel:Override:Microsoft"] = "Verbose" };
        await using var relay = new RelayApplication(mock.BaseUrl, settings);
        var frames = new List<string>();

        // A session that Gemini ends with a policy close, with some bad input along the way.
        await using (var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct))
        {
            await client.SendJsonAsync("not json", ct);
            await client.SendAudioAsync(new byte[3], ct);
            await client.WaitUntilAsync(c => c.EventsOfType("error").Count >= 2, ct);
            badInputAnswered.SetResult();
            await client.Closed.WaitAsync(ct);
            frames.AddRange(client.Events.Select(e => e.ToJsonString()));
        }

        // A relay whose Gemini is unreachable: connection errors, with exceptions in the logs.
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var deadPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var unreachable = new RelayApplication(new Uri($"http://127.0.0.1:{deadPort}/prefix"), settings);
        await using (var client = await LiveClient.ConnectAsync(unreachable.LiveUri(), ct))
        {
            await client.Closed.WaitAsync(ct);
            frames.AddRange(client.Events.Select(e => e.ToJsonString()));
        }

        using var http = new HttpClient();
        var responses = new List<string>();
        foreach (var path in new[] { "/", "/js/app.js", "/live", "/live?sampleRate=1", "/healthz", "/readyz", "/nope" })
        {
            using var response = await http.GetAsync(relay.HttpUri(path), ct);
            responses.Add(response.ToString() + await response.Content.ReadAsStringAsync(ct));
        }

        var logs = relay.Logs.Events.Concat(unreachable.Logs.Events)
            .Select(e => e.RenderMessage() + e.Exception + string.Join(";", e.Properties.Select(p => p.Key + "=" + p.Value)))
            .ToList();
        Assert.NotEmpty(frames);
        Assert.Contains(logs, l => l.Contains("BidiGenerateContent", StringComparison.Ordinal) || l.Contains("127.0.0.1", StringComparison.Ordinal));
        Assert.All(frames, f => Assert.DoesNotContain(RelayApplication.TestApiKey, f, StringComparison.Ordinal));
        Assert.All(logs, l => Assert.DoesNotContain(RelayApplication.TestApiKey, l, StringComparison.Ordinal));
        Assert.All(responses, r => Assert.DoesNotContain(RelayApplication.TestApiKey, r, StringComparison.Ordinal));
        Assert.All(mock.Connections, c => Assert.DoesNotContain(RelayApplication.TestApiKey, c.Path + c.QueryString, StringComparison.Ordinal));
        Assert.Equal(RelayApplication.TestApiKey, mock.Connections[0].ApiKeyHeader); // it went where it belongs: a header
    }
}
