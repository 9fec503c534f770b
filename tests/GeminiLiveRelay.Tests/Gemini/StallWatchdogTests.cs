using System.Net.WebSockets;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Relay;
using GeminiLiveRelay.Tests.Infrastructure;
using GeminiLiveRelay.Tests.Tools;
using Microsoft.Extensions.Logging;

namespace GeminiLiveRelay.Tests.Gemini;

/// <summary>
/// Gemini:SendTimeout: a send to Gemini that never completes (the service stopped reading) is cut by the watchdog
/// the relay's clock runs, so the reader reports a dropped connection and the relay resumes elsewhere.
/// </summary>
public sealed class StallWatchdogTests
{
    [Fact]
    public async Task SendThatNeverCompletes_AbortsTheSocketAfterTheSendTimeout_AndIsLogged()
    {
        using var timeout = TestTimeout.Create();
        var logger = new ListLogger<GeminiSession>();
        using var clock = new SessionClock(new ListLogger<SessionClock>());
        var socket = new StuckWebSocket();
        await using var session = new GeminiSession(new GeminiSocket(socket), "models/test", logger, TimeSpan.FromSeconds(1), clock);

        var sending = session.SendAudioAsync(new byte[640], timeout.Token).AsTask();
        await socket.Aborted.WaitAsync(timeout.Token);

        await Assert.ThrowsAsync<WebSocketException>(() => sending);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("stopped taking data", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendsThatComplete_AreNeverAborted()
    {
        using var timeout = TestTimeout.Create();
        var logger = new ListLogger<GeminiSession>();
        using var clock = new SessionClock(new ListLogger<SessionClock>());
        var socket = new StuckWebSocket { CompleteSends = true };
        await using var session = new GeminiSession(new GeminiSocket(socket), "models/test", logger, TimeSpan.FromSeconds(1), clock);

        // Sends for longer than the timeout, each quick: the watchdog times one send, not the session.
        var until = DateTime.UtcNow.AddSeconds(1.5);
        while (DateTime.UtcNow < until)
        {
            await session.SendAudioAsync(new byte[640], timeout.Token);
            await Task.Delay(20, timeout.Token);
        }

        Assert.False(socket.Aborted.IsCompleted);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    /// <summary>A Gemini socket whose sends wait until it is aborted (or complete at once, on request).</summary>
    private sealed class StuckWebSocket : WebSocket
    {
        private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool CompleteSends { get; init; }

        public Task Aborted => _aborted.Task;

        public override WebSocketCloseStatus? CloseStatus => null;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => _aborted.Task.IsCompleted ? WebSocketState.Aborted : WebSocketState.Open;

        public override string? SubProtocol => null;

        public override void Abort() => _aborted.TrySetResult();

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public override void Dispose()
        {
        }

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the watchdog tests never read");

        public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            if (CompleteSends)
            {
                return;
            }

            await _aborted.Task.WaitAsync(cancellationToken);
            throw new WebSocketException(WebSocketError.InvalidState, "The socket was aborted.");
        }
    }
}
