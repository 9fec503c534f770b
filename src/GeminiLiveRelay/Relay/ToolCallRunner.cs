using System.Diagnostics;
using GeminiLiveRelay.Observability;
using System.Collections.Concurrent;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Runs one session's function calls: each with the tool timeout and its own cancellation, every id answered
/// (an error response on failure or timeout) except ids Gemini cancels, which get nothing. While a blocking call is
/// pending, <see cref="HoldsInput"/> tells the Gemini writer to hold the browser's input (buffered, not dropped).
/// </summary>
internal sealed class ToolCallRunner(ToolSet tools, Action<ToolResponse, bool> finished) : IDisposable
{
    private readonly ConcurrentQueue<ToolResponse> _ready = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly CancellationTokenSource _session = new();
    private int _held;
    private int _disposed;

    /// <summary>A blocking call is still unanswered: the model is waiting and must not get more input yet.</summary>
    public bool HoldsInput => Volatile.Read(ref _held) > 0;

    public void Start(FunctionCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_session.Token);
        if (!_pending.TryAdd(call.Id, cts))
        {
            cts.Dispose();
            return; // a repeated id is the same call: it is already running
        }

        if (tools.HoldsInputDuringCalls)
        {
            Interlocked.Increment(ref _held);
        }

        _ = RunAsync(call, cts);
    }

    /// <summary><c>toolCallCancellation</c>: cancel these calls; nothing will be sent for them.</summary>
    public void Cancel(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids)
        {
            if (_pending.TryRemove(id, out var cts))
            {
                try
                {
                    cts.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The call finished at this very moment; having left _pending, its answer is never sent.
                }
            }
        }
    }

    public bool HasResponses => !_ready.IsEmpty;

    /// <summary>Calls not yet answered or cancelled.</summary>
    public int Pending => _pending.Count;

    public bool TryTakeResponse(out ToolResponse response) => _ready.TryDequeue(out response);

    /// <summary>Holds the input across a whole toolCall message, whatever order its calls finish in.</summary>
    public void BeginBatch()
    {
        if (tools.HoldsInputDuringCalls)
        {
            Interlocked.Increment(ref _held);
        }
    }

    public void EndBatch()
    {
        if (tools.HoldsInputDuringCalls)
        {
            Interlocked.Decrement(ref _held);
        }

        Wake();
    }

    /// <summary>Wakes a writer waiting on the tools (e.g. to let it see a connection switch).</summary>
    public void Wake()
    {
        try
        {
            _changed.Release();
        }
        catch (ObjectDisposedException)
        {
            // The session is over.
        }
    }

    /// <summary>
    /// A new Gemini connection resumes from a state saved before any pending call (handles are not resumable while
    /// calls run), so answers to the old connection's calls would name ids it never issued: those calls are
    /// cancelled (the browser is told) and the model asks again if it still needs them.
    /// </summary>
    public void ForgetCallsOfTheLastConnection()
    {
        Cancel([.. _pending.Keys]);
        while (_ready.TryDequeue(out var unsent))
        {
            finished(unsent with { Error = "cancelled: the Gemini connection changed before the answer was sent", Output = null }, true);
        }
    }

    /// <summary>Completes when a response is ready or the hold may have been released.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken) => _changed.WaitAsync(cancellationToken);

    /// <summary>Cancels every call still running (the session is over). Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _session.Cancel();
            _session.Dispose();
            _changed.Dispose();
        }
    }

    private void Finish(Activity? activity, ToolResponse response, bool cancelled)
    {
        RelayTracing.ToolCallFinished(activity, response, cancelled);
        finished(response, cancelled);
    }

    private async Task RunAsync(FunctionCall call, CancellationTokenSource cts)
    {
        using var activity = RelayTracing.StartToolCall(call.Name, call.Id);
        try
        {
            var response = await tools.Invoker.InvokeAsync(
                tools.Find(call.Name), call.Id, call.Name, call.Args, tools.Timeout, tools.Scheduling, cts.Token).ConfigureAwait(false);
            if (_pending.TryRemove(call.Id, out _))
            {
                // Queued before the hold is released below, so the answer reaches Gemini before any held audio.
                _ready.Enqueue(response);
                Finish(activity, response, false);
            }
            else
            {
                Finish(activity, response with { Error = "cancelled", Output = null }, true);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Finish(activity, new ToolResponse(call.Id, call.Name, null, "cancelled", null), true);
        }
        finally
        {
            if (tools.HoldsInputDuringCalls)
            {
                Interlocked.Decrement(ref _held);
            }

            cts.Dispose();
            try
            {
                _changed.Release();
            }
            catch (ObjectDisposedException)
            {
                // The session ended while this call ran: nobody is waiting any more.
            }
        }
    }
}
