using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeminiLiveRelay.Tests.Infrastructure;
using GeminiLiveRelay.Tools;
using Microsoft.Extensions.Logging;

namespace GeminiLiveRelay.Tests.Tools;

public sealed class ToolInvokerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly ListLogger<ToolInvoker> _logger = new();
    private readonly ToolInvoker _invoker;

    public ToolInvokerTests()
    {
        _invoker = new ToolInvoker(_logger, TimeProvider.System);
    }

    [Fact]
    public async Task Invoke_SuccessfulTool_ReturnsOutputAndScheduling()
    {
        var tool = new DelegateTool("echo", static (args, _) => Task.FromResult<JsonNode?>(new JsonObject { ["got"] = args.GetProperty("x").GetInt32() }));

        var response = await _invoker.InvokeAsync(tool, "c1", "echo", JsonText.Parse("""{"x":5}"""), s_timeout, ToolResponseWriter.WhenIdle, CancellationToken.None);

        Assert.True(response.Ok);
        Assert.Equal("c1", response.Id);
        Assert.Equal("echo", response.Name);
        Assert.Equal(ToolResponseWriter.WhenIdle, response.Scheduling);
        Assert.Equal("""{"got":5}""", JsonText.Of(response.Output));
        Assert.Null(response.Error);
    }

    [Fact]
    public async Task Invoke_SlowTool_TimesOutLongBeforeItsOwnDelay()
    {
        var observed = CancellationToken.None;
        var tool = new DelegateTool("slow", async (_, token) =>
        {
            observed = token;
            await Task.Delay(TimeSpan.FromSeconds(30), token);
            return null;
        });
        var stopwatch = Stopwatch.StartNew();

        var response = await _invoker.InvokeAsync(tool, "c1", "slow", JsonText.Parse("{}"), TimeSpan.FromMilliseconds(200), null, CancellationToken.None);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.False(response.Ok);
        Assert.Equal("the function timed out after 0.2 s", response.Error);
        Assert.True(observed.IsCancellationRequested);
    }

    [Fact]
    public async Task Invoke_SlowToolIgnoringItsToken_StillTimesOut()
    {
        using var release = new CancellationTokenSource();
        var tool = new DelegateTool("stubborn", async (_, _) =>
        {
            await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
            return null;
        });
        var stopwatch = Stopwatch.StartNew();

        var response = await _invoker.InvokeAsync(tool, "c1", "stubborn", JsonText.Parse("{}"), TimeSpan.FromMilliseconds(200), null, CancellationToken.None);
        await release.CancelAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.Equal("the function timed out after 0.2 s", response.Error);
    }

    [Fact]
    public async Task Invoke_CallerCancels_ThrowsAndTheToolSeesItsTokenCancelled()
    {
        using var timeout = TestTimeout.Create();
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tool = new DelegateTool("slow", async (_, token) =>
        {
            started.SetResult(token);
            await Task.Delay(Timeout.Infinite, token);
            return null;
        });
        using var caller = new CancellationTokenSource();

        var call = _invoker.InvokeAsync(tool, "c1", "slow", JsonText.Parse("{}"), s_timeout, null, caller.Token);
        var toolToken = await started.Task.WaitAsync(timeout.Token);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(timeout.Token));
        Assert.True(toolToken.IsCancellationRequested);
    }

    [Fact]
    public async Task Invoke_CallerAlreadyCancelled_Throws()
    {
        var tool = new DelegateTool("fast");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _invoker.InvokeAsync(tool, "c1", "fast", JsonText.Parse("{}"), s_timeout, null, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Invoke_ToolException_ReturnsItsMessage()
    {
        var tool = new DelegateTool("picky", static (_, _) => throw new ToolException("Pass 'city'."));

        var response = await _invoker.InvokeAsync(tool, "c1", "picky", JsonText.Parse("{}"), s_timeout, null, CancellationToken.None);

        Assert.Equal("Pass 'city'.", response.Error);
        Assert.Null(response.Output);
    }

    [Fact]
    public async Task Invoke_UnexpectedException_ReturnsTheTypeOnly()
    {
        var tool = new DelegateTool("broken", static async (_, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("connection string Server=db;Password=hunter2");
        });

        var response = await _invoker.InvokeAsync(tool, "c1", "broken", JsonText.Parse("{}"), s_timeout, null, CancellationToken.None);

        Assert.Equal("the function failed: InvalidOperationException", response.Error);
        var failure = Assert.Single(_logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.IsType<InvalidOperationException>(failure.Exception);
    }

    [Fact]
    public async Task Invoke_OwnCancellationInsideTheTool_IsAFailureNotACancellation()
    {
        var tool = new DelegateTool("flaky", static (_, _) => throw new TaskCanceledException("an HttpClient timeout"));

        var response = await _invoker.InvokeAsync(tool, "c1", "flaky", JsonText.Parse("{}"), s_timeout, null, CancellationToken.None);

        Assert.Equal("the function failed: TaskCanceledException", response.Error);
    }

    [Fact]
    public async Task Invoke_UnknownTool_ReturnsAnErrorNamingIt()
    {
        var response = await _invoker.InvokeAsync(null, "c9", "launch_rockets", JsonText.Parse("{}"), s_timeout, ToolResponseWriter.Silent, CancellationToken.None);

        Assert.Equal(new ToolResponse("c9", "launch_rockets", null, "unknown function 'launch_rockets'", ToolResponseWriter.Silent), response);
    }

    [Fact]
    public async Task Invoke_MissingArgs_PassesAnEmptyObject()
    {
        var kind = JsonValueKind.Undefined;
        var tool = new DelegateTool("f", (args, _) =>
        {
            kind = args.ValueKind;
            return Task.FromResult<JsonNode?>(args.EnumerateObject().Count());
        });

        var response = await _invoker.InvokeAsync(tool, "c1", "f", default, s_timeout, null, CancellationToken.None);

        Assert.Equal(JsonValueKind.Object, kind);
        Assert.Equal("0", JsonText.Of(response.Output));
    }

    [Fact]
    public async Task Invoke_NonObjectArgs_ReturnsAnErrorWithoutCallingTheTool()
    {
        var called = false;
        var tool = new DelegateTool("f", (_, _) =>
        {
            called = true;
            return Task.FromResult<JsonNode?>(null);
        });

        var response = await _invoker.InvokeAsync(tool, "c1", "f", JsonText.Parse("[1]"), s_timeout, null, CancellationToken.None);

        Assert.Equal("the arguments must be a JSON object", response.Error);
        Assert.False(called);
    }

    [Fact]
    public async Task Invoke_ArgsDocumentDisposedRightAfterTheCall_ToolStillReadsThem()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tool = new DelegateTool("late", async (args, _) =>
        {
            await gate.Task;
            return args.GetProperty("name").GetString();
        });
        Task<ToolResponse> call;
        using (var document = JsonDocument.Parse("""{"name":"Ada"}"""))
        {
            call = _invoker.InvokeAsync(tool, "c1", "late", document.RootElement, s_timeout, null, CancellationToken.None);
        }

        gate.SetResult();
        var response = await call;

        Assert.Equal("\"Ada\"", JsonText.Of(response.Output));
    }

    [Fact]
    public async Task Invoke_Duration_IsMeasured()
    {
        var tool = new DelegateTool("nap", static async (_, token) =>
        {
            await Task.Delay(100, token);
            return null;
        });

        var response = await _invoker.InvokeAsync(tool, "c1", "nap", JsonText.Parse("{}"), s_timeout, null, CancellationToken.None);

        Assert.InRange(response.DurationMs, 90, 5000);
    }

    [Fact]
    public async Task Invoke_Logging_KeepsArgumentsAndResultsOutOfInformation()
    {
        var tool = new DelegateTool("lookup", static (_, _) => Task.FromResult<JsonNode?>("Ada Lovelace, 10 Downing St"));

        await _invoker.InvokeAsync(tool, "c1", "lookup", JsonText.Parse("""{"who":"Ada"}"""), s_timeout, null, CancellationToken.None);

        var information = Assert.Single(_logger.Entries, e => e.Level >= LogLevel.Information);
        Assert.Equal(LogLevel.Information, information.Level);
        Assert.Contains("lookup", information.Message, StringComparison.Ordinal);
        Assert.Contains("c1", information.Message, StringComparison.Ordinal);
        Assert.Contains("True", information.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada", information.Message, StringComparison.Ordinal);
        var debug = string.Join("\n", _logger.Entries.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message));
        Assert.Contains("""{"who":"Ada"}""", debug, StringComparison.Ordinal);
        Assert.Contains("Downing", debug, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Invoke_NonPositiveTimeout_Throws(int milliseconds)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => _invoker.InvokeAsync(new DelegateTool("f"), "c1", "f", default, TimeSpan.FromMilliseconds(milliseconds), null, CancellationToken.None));
    }
}
