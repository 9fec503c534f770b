using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>A browser stand-in: a real <see cref="ClientWebSocket"/> on <c>/live</c> that records what it receives.</summary>
public sealed class LiveClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly List<JsonObject> _events = [];
    private readonly MemoryStream _audio = new();
    private readonly List<byte[]> _audioFrames = [];
    private readonly List<string> _order = [];
    private readonly Task _receiving;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveClient(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        _socket = socket;
        _receiving = Task.Run(() => ReceiveLoopAsync(cancellationToken), cancellationToken);
    }

    /// <summary>Connects, or returns the HTTP status that refused the upgrade.</summary>
    public static async Task<(System.Net.HttpStatusCode Status, LiveClient? Client)> TryConnectAsync(
        Uri uri, CancellationToken cancellationToken, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (status, null);
        }

        return (socket.HttpStatusCode, new LiveClient(socket, cancellationToken));
    }

    public static async Task<LiveClient> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, cancellationToken);
        return new LiveClient(socket, cancellationToken);
    }

    public WebSocket Socket => _socket;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Completes when the relay closed the socket (or it dropped).</summary>
    public Task Closed => _receiving;

    public IReadOnlyList<JsonObject> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Event types and "audio" markers in arrival order.</summary>
    public IReadOnlyList<string> Order
    {
        get
        {
            lock (_events)
            {
                return [.. _order];
            }
        }
    }

    public IReadOnlyList<byte[]> AudioFrames
    {
        get
        {
            lock (_events)
            {
                return [.. _audioFrames];
            }
        }
    }

    public byte[] Audio()
    {
        lock (_events)
        {
            return _audio.ToArray();
        }
    }

    public IReadOnlyList<JsonObject> EventsOfType(string type) => [.. Events.Where(e => (string?)e["type"] == type)];

    public Task SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        _socket.SendAsync(frame, WebSocketMessageType.Binary, true, cancellationToken).AsTask();

    public Task SendJsonAsync(string json, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Streams <paramref name="audio"/> in frames of <paramref name="frameBytes"/>.</summary>
    public async Task StreamAsync(byte[] audio, int frameBytes, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < audio.Length; offset += frameBytes)
        {
            await SendAudioAsync(audio.AsMemory(offset, Math.Min(frameBytes, audio.Length - offset)), cancellationToken);
        }
    }

    /// <summary>Streams like a microphone: one frame per <paramref name="interval"/> (compressed time when shorter than the frame).</summary>
    public async Task StreamPacedAsync(byte[] audio, int frameBytes, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        for (var offset = 0; offset < audio.Length; offset += frameBytes)
        {
            await SendAudioAsync(audio.AsMemory(offset, Math.Min(frameBytes, audio.Length - offset)), cancellationToken);
            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }

    public async Task<JsonObject> WaitForEventAsync(string type, CancellationToken cancellationToken)
    {
        await WaitUntilAsync(c => c.EventsOfType(type).Count > 0, cancellationToken);
        return EventsOfType(type)[0];
    }

    public async Task WaitUntilAsync(Func<LiveClient, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_events)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            if (_receiving.IsCompleted)
            {
                Assert.Fail($"The relay closed the socket ({CloseStatus} {CloseDescription}) before the condition held. Events: {string.Join(", ", Events.Select(e => e.ToJsonString()))}");
            }

            await Task.WhenAny(changed, _receiving).WaitAsync(cancellationToken);
        }
    }

    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);
        }

        await _receiving.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, cancellationToken);
                    }

                    return;
                }

                lock (_events)
                {
                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        _audio.Write(buffer, 0, length);
                        _audioFrames.Add(buffer.AsSpan(0, length).ToArray());
                        _order.Add("audio");
                    }
                    else
                    {
                        var json = JsonNode.Parse(buffer.AsSpan(0, length)) as JsonObject
                            ?? throw new JsonException("The relay sent a text frame that is not a JSON object.");
                        _events.Add(json);
                        _order.Add((string?)json["type"] ?? "?");
                    }
                }

                Signal();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Dropped or aborted; the test asserts on what arrived.
        }
        finally
        {
            Signal();
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_events)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
