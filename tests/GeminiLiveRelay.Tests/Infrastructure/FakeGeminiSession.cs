using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>An in-memory <see cref="IGeminiSession"/>: the test drives the sink directly and decides when it closes.</summary>
internal sealed class FakeGeminiSession : IGeminiSession
{
    private readonly TaskCompletionSource<IGeminiEventSink> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<UpstreamClose> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Backend => "gemini";

    public string Model => "fake-model";

    public List<object> Sent { get; } = [];

    public bool Disposed { get; private set; }

    /// <summary>Completes with the relay's sink once the relay reads the session.</summary>
    public Task<IGeminiEventSink> Running => _running.Task;

    public void Close(int code, string reason) => _closed.TrySetResult(new UpstreamClose(code, reason));

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add(pcm16k.ToArray());
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SendTextAsync(string text, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add(text);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SendSignalAsync(ClientSignal signal, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add(signal);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SendImageAsync(string mimeType, string base64, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add((mimeType, base64));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SendToolResponseAsync(IReadOnlyList<GeminiLiveRelay.Tools.ToolResponse> responses, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add(responses);
        }

        return ValueTask.CompletedTask;
    }

    public async Task<UpstreamClose> RunAsync(IGeminiEventSink sink, CancellationToken cancellationToken)
    {
        _running.TrySetResult(sink);
        return await _closed.Task.WaitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _closed.TrySetResult(new UpstreamClose(1000, "disposed"));
        return ValueTask.CompletedTask;
    }
}
