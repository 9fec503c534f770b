using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace GeminiLiveRelay.MockGemini;

/// <summary>
/// One client connection to the mock: everything the client sent (validated against the wire protocol) and the
/// means to answer it: scripted messages as JSON in binary frames, split frames, close codes, a dropped TCP link.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Lives as long as the mock server; the socket is owned by the request.")]
public sealed class MockGeminiConnection
{
    private readonly HttpContext _context;
    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _messages = [];
    private readonly List<string> _violations = [];
    private readonly MemoryStream _audio = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _clientFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal MockGeminiConnection(HttpContext context, WebSocket socket, bool vertex = false)
    {
        _context = context;
        _socket = socket;
        IsVertex = vertex;
        Path = context.Request.Path.Value ?? string.Empty;
        ApiKeyHeader = context.Request.Headers["x-goog-api-key"].ToString();
        AuthorizationHeader = context.Request.Headers.Authorization.ToString();
        QueryString = context.Request.QueryString.Value ?? string.Empty;
    }

    public string Path { get; }

    public string QueryString { get; }

    /// <summary>The <c>x-goog-api-key</c> header of the upgrade request.</summary>
    public string ApiKeyHeader { get; }

    /// <summary>The <c>Authorization</c> header of the upgrade request (Vertex AI: <c>Bearer &lt;access token&gt;</c>).</summary>
    public string AuthorizationHeader { get; }

    /// <summary>The client used Vertex AI's path (<c>google.cloud.aiplatform.*.LlmBidiService/BidiGenerateContent</c>).</summary>
    public bool IsVertex { get; }

    /// <summary>The <c>sessionId</c> sent in <c>setupComplete</c> (Vertex AI only).</summary>
    public string? SessionId { get; internal set; }

    /// <summary>The <c>setup</c> object of the first message.</summary>
    public JsonObject? Setup { get; internal set; }

    /// <summary>The close status the client sent, once it closed.</summary>
    public WebSocketCloseStatus? ClientCloseStatus { get; internal set; }

    /// <summary>Completes when the connection is over (either side closed or it dropped).</summary>
    public Task Ended => _ended.Task;

    /// <summary>
    /// Completes when the mock stops reading the client (it closed, dropped, or sent something unreadable). Unlike
    /// <see cref="Ended"/>, which waits for the <see cref="MockGeminiServer.Script"/> too, a script may await it.
    /// </summary>
    public Task ClientFinished => _clientFinished.Task;

    /// <summary>Free for a script's own per-connection state (the mock never reads it).</summary>
    public object? UserState { get; set; }

    /// <summary>Every client message after <c>setup</c>, in arrival order.</summary>
    public IReadOnlyList<JsonObject> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Everything the client did that the real service would reject or that the protocol forbids.</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>The concatenated PCM of every <c>realtimeInput.audio</c> message.</summary>
    public byte[] ReceivedAudio()
    {
        lock (_gate)
        {
            return _audio.ToArray();
        }
    }

    public int AudioMessageCount
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count(m => m["realtimeInput"]?["audio"] is not null);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for this connection (re-checked on every message).</summary>
    public async Task WaitUntilAsync(Func<MockGeminiConnection, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            if (_ended.Task.IsCompleted)
            {
                if (condition(this))
                {
                    return;
                }

                throw new InvalidOperationException("The connection ended before the condition held.");
            }

            await Task.WhenAny(changed, _ended.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a server message as UTF-8 JSON in one binary frame, as the service does.</summary>
    public Task SendAsync(string json, CancellationToken cancellationToken) => SendSplitAsync(json, 1, cancellationToken);

    /// <summary>Sends a server message already encoded as UTF-8 JSON in one binary frame (no copy, no string).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(utf8Json, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends one message split over <paramref name="frames"/> binary frames (cut mid-character where possible).</summary>
    public async Task SendSplitAsync(string json, int frames, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        frames = Math.Clamp(frames, 1, Math.Max(1, bytes.Length));
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var size = (int)Math.Ceiling(bytes.Length / (double)frames);
            for (var offset = 0; offset < bytes.Length; offset += size)
            {
                var count = Math.Min(size, bytes.Length - offset);
                await _socket.SendAsync(bytes.AsMemory(offset, count), WebSocketMessageType.Binary,
                    offset + count >= bytes.Length, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the connection with a code and reason, as the service reports errors.</summary>
    public async Task CloseAsync(int code, string reason, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Drops the TCP connection without a close frame (a network failure).</summary>
    public void Drop()
    {
        if (_ended.Task.IsCompleted)
        {
            return;
        }

        _socket.Abort();
        try
        {
            _context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request finished meanwhile: the connection is already gone.
        }
    }

    internal void Record(JsonObject message, byte[]? audio)
    {
        lock (_gate)
        {
            _messages.Add(message);
            if (audio is not null)
            {
                _audio.Write(audio);
            }
        }

        Signal();
    }

    internal void Violation(string description)
    {
        lock (_gate)
        {
            _violations.Add(description);
        }

        Signal();
    }

    internal void MarkClientFinished() => _clientFinished.TrySetResult();

    internal void MarkEnded()
    {
        _clientFinished.TrySetResult();
        _ended.TrySetResult();
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
