using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tools;

/// <summary>
/// Runs one function call from the model and turns every outcome into a <see cref="ToolResponse"/>, except a
/// cancellation by the caller (a <c>toolCallCancellation</c>), which must not be answered and so is rethrown.
/// Stateless: one instance serves every session.
/// </summary>
internal sealed partial class ToolInvoker(ILogger<ToolInvoker> logger, TimeProvider timeProvider)
{
    private static readonly JsonElement s_emptyArgs = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>
    /// Calls <paramref name="tool"/> (null when the model named a function that is not enabled) with
    /// <paramref name="args"/>, allowing it <paramref name="timeout"/>. The arguments are copied before this method
    /// first yields, so the caller may dispose the document they came from as soon as the task is returned.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ToolResponse> InvokeAsync(
        LiveTool? tool, string id, string name, JsonElement args, TimeSpan timeout, string? scheduling, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(name);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The tool timeout must be positive.");
        }

        if (tool is null)
        {
            Log.UnknownFunction(logger, name, id);
            return Task.FromResult(new ToolResponse(id, name, null, $"unknown function '{name}'", scheduling));
        }

        // The model may leave args out; a tool always gets an object. The copy outlives the caller's buffer, which
        // matters most when a timed-out tool that ignores its token is still reading it.
        var ownArgs = args.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? s_emptyArgs : args.Clone();
        if (ownArgs.ValueKind != JsonValueKind.Object)
        {
            return Task.FromResult(new ToolResponse(id, name, null, "the arguments must be a JSON object", scheduling));
        }

        return RunAsync(tool, id, name, ownArgs, timeout, scheduling, cancellationToken);
    }

    private async Task<ToolResponse> RunAsync(
        LiveTool tool, string id, string name, JsonElement args, TimeSpan timeout, string? scheduling, CancellationToken cancellationToken)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Arguments(logger, name, id, args.GetRawText());
        }

        var started = timeProvider.GetTimestamp();
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        JsonNode? output = null;
        string? error = null;
        try
        {
            // Task.Run: a tool that computes before its first await must not hold up the caller's receive loop.
            // WaitAsync: a tool that ignores its token still cannot outlast the timeout.
            output = await Task.Run(() => tool.InvokeAsync(args, linked.Token), linked.Token)
                .WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Cancelled(logger, name, id);
            throw;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
        {
            error = $"the function timed out after {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
        }
        catch (ToolException ex)
        {
            error = ex.Message;
        }
        catch (Exception ex)
        {
            // The type alone tells the model it was not its fault; messages and stack traces stay in the log.
            Log.Failed(logger, name, id, ex);
            error = "the function failed: " + ex.GetType().Name;
        }

        var durationMs = timeProvider.GetElapsedTime(started).TotalMilliseconds;
        Log.Completed(logger, name, id, error is null, durationMs);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Result(logger, name, id, error ?? output?.ToJsonString() ?? "null");
        }

        return new ToolResponse(id, name, error is null ? output : null, error, scheduling, durationMs);
    }
}
