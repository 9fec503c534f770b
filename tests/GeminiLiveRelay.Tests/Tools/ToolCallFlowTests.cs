using System.Text.Json.Nodes;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;
using GeminiLiveRelay.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace GeminiLiveRelay.Tests.Tools;

/// <summary>Function calls end to end: mock Gemini's toolCall → the relay runs the tool → toolResponse upstream.</summary>
public sealed class ToolCallFlowTests
{
    [Fact]
    public async Task TwoCalls_GetTwoResponsesWithMatchingIds_AndTheBrowserSeesBoth()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new()
        {
            ["Gemini:Tools:0"] = "get_current_time",
            ["Gemini:Tools:1"] = "calculate",
        });
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        var connection = mock.Connections.Single();

        await connection.SendAsync(ToolCallJson(("call-1", "get_current_time", """{"timeZone":"UTC"}"""), ("call-2", "calculate", """{"expression":"6*7"}""")), ct);
        await connection.WaitUntilAsync(c => Responses(c).Count == 2, ct);
        await client.WaitUntilAsync(c => c.EventsOfType("toolResult").Count == 2, ct);

        var responses = Responses(connection);
        var time = responses.Single(r => (string?)r["id"] == "call-1");
        var sum = responses.Single(r => (string?)r["id"] == "call-2");
        Assert.Equal("get_current_time", (string?)time["name"]);
        Assert.Equal("UTC", (string?)time["response"]!["output"]!["timeZone"]);
        Assert.Equal("calculate", (string?)sum["name"]);
        Assert.Equal(42, (double)sum["response"]!["output"]!["result"]!);
        Assert.Equal(["call-1", "call-2"], client.EventsOfType("toolCall").Select(e => (string?)e["id"]).Order());
        Assert.All(client.EventsOfType("toolResult"), e => Assert.True((bool)e["ok"]!));
        Assert.Equal("6*7", (string?)client.EventsOfType("toolCall").Single(e => (string?)e["id"] == "call-2")["args"]!["expression"]);
        Assert.Empty(connection.Violations);
    }

    [Fact]
    public async Task SlowTool_IsAnsweredWithATimeoutError()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Gemini:Tools:0"] = "slow", ["Gemini:ToolTimeout"] = "00:00:00.300" })
        {
            ConfigureTestServices = services => services.AddSingleton<LiveTool>(new DelegateTool("slow", async (_, token) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), token);
                return null;
            })),
        };
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        var connection = mock.Connections.Single();

        await connection.SendAsync(ToolCallJson(("call-9", "slow", "{}")), ct);
        await connection.WaitUntilAsync(c => Responses(c).Count == 1, ct);
        var result = await client.WaitForEventAsync("toolResult", ct);

        var response = Responses(connection).Single();
        Assert.Equal("call-9", (string?)response["id"]);
        Assert.Contains("timed out", (string?)response["response"]!["error"], StringComparison.Ordinal);
        Assert.False((bool)result["ok"]!);
        Assert.InRange((double)result["durationMs"]!, 250, 10_000);
    }

    [Fact]
    public async Task Cancellation_CancelsTheToolsToken_AndNothingIsSent()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Gemini:Tools:0"] = "waits" })
        {
            ConfigureTestServices = services => services.AddSingleton<LiveTool>(new DelegateTool("waits", async (_, token) =>
            {
                started.SetResult();
                await using (token.Register(() => cancelled.TrySetResult()))
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, token);
                }

                return null;
            })),
        };
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        var connection = mock.Connections.Single();

        await connection.SendAsync(ToolCallJson(("call-5", "waits", "{}")), ct);
        await started.Task.WaitAsync(ct);
        await connection.SendAsync("""{"toolCallCancellation":{"ids":["call-5"]}}""", ct);
        await cancelled.Task.WaitAsync(ct);
        var result = await client.WaitForEventAsync("toolResult", ct);
        await client.SendJsonAsync("""{"type":"text","text":"after"}""", ct); // input flows again: the hold is gone
        await connection.WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["text"] is not null), ct);

        Assert.Empty(Responses(connection));
        Assert.True((bool)result["cancelled"]!);
        Assert.False((bool)result["ok"]!);
    }

    [Fact]
    public async Task InputDuringABlockingCall_IsHeldUntilTheResponse_ThenDeliveredInFull()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Gemini:Tools:0"] = "gate" })
        {
            ConfigureTestServices = services => services.AddSingleton<LiveTool>(new DelegateTool("gate", async (_, token) =>
            {
                await release.Task.WaitAsync(token);
                return JsonValue.Create("opened");
            })),
        };
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri("sampleRate=16000"), ct);
        await client.WaitForEventAsync("ready", ct);
        var connection = mock.Connections.Single();
        await connection.SendAsync(ToolCallJson(("call-7", "gate", "{}")), ct);
        await client.WaitForEventAsync("toolCall", ct);

        var audio = new byte[16000 * 2]; // 1 s of numbered samples
        for (var i = 0; i < audio.Length / 2; i++)
        {
            BitConverter.TryWriteBytes(audio.AsSpan(2 * i), (short)i);
        }

        await client.StreamAsync(audio, 640, ct);
        await client.SendJsonAsync("""{"type":"text","text":"still there?"}""", ct);
        await Task.Delay(300, ct);
        var messagesWhileHeld = connection.Messages.Count;
        release.SetResult();
        await connection.WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["text"] is not null), ct);

        Assert.Equal(0, messagesWhileHeld); // nothing reached Gemini while it waited on the call
        var kinds = connection.Messages.Select(m => m.First().Key).ToList();
        Assert.Equal("toolResponse", kinds[0]); // the answer first, then the held input, in order
        Assert.Equal(audio, connection.ReceivedAudio()); // nothing lost
        Assert.Equal("opened", (string?)Responses(connection).Single()["response"]!["output"]);
    }

    [Fact]
    public async Task CallPendingWhenTheConnectionDrops_IsCancelledAndReported_NotAnsweredOnTheNewConnection()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, new() { ["Gemini:Tools:0"] = "gate" })
        {
            ConfigureTestServices = services => services.AddSingleton<LiveTool>(new DelegateTool("gate", async (_, token) =>
            {
                await using (token.Register(() => cancelled.TrySetResult()))
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, token);
                }

                return null;
            })),
        };
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
        await client.WaitForEventAsync("ready", ct);
        var first = mock.Connections.Single();
        await first.SendAsync(GeminiMessages.ResumptionUpdate("handle-1"), ct);
        await first.SendAsync(ToolCallJson(("call-3", "gate", "{}")), ct);
        await client.WaitForEventAsync("toolCall", ct);

        // The resumed state predates the call (handles are not resumable while calls run): the model re-issues it.
        first.Drop();
        await client.WaitForEventAsync("resumed", ct);
        await cancelled.Task.WaitAsync(ct);
        var result = await client.WaitForEventAsync("toolResult", ct);
        await client.SendJsonAsync("""{"type":"text","text":"input flows again"}""", ct);
        var second = mock.Connections[1];
        await second.WaitUntilAsync(c => c.Messages.Any(m => m["realtimeInput"]?["text"] is not null), ct);

        Assert.True((bool)result["cancelled"]!);
        Assert.Empty(Responses(first));
        Assert.Empty(Responses(second));
        Assert.Equal("handle-1", (string?)second.Setup!["sessionResumption"]!["handle"]);
    }

    private static string ToolCallJson(params (string Id, string Name, string Args)[] calls) =>
        new JsonObject
        {
            ["toolCall"] = new JsonObject
            {
                ["functionCalls"] = new JsonArray([.. calls.Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id,
                    ["name"] = c.Name,
                    ["args"] = JsonNode.Parse(c.Args),
                })]),
            },
        }.ToJsonString();

    private static List<JsonObject> Responses(MockGeminiConnection connection) =>
        [.. connection.Messages
            .Where(m => m["toolResponse"] is not null)
            .SelectMany(m => m["toolResponse"]!["functionResponses"]!.AsArray())
            .Select(r => r!.AsObject())];
}
