using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Gemini;

/// <summary>
/// Opens a Gemini Live session: WebSocket connect with the key in the <c>x-goog-api-key</c> header (never in the
/// URL), or on Vertex AI an OAuth access token as <c>Authorization: Bearer</c>; the <c>setup</c> message, then nothing
/// else until <c>setupComplete</c>, all within <c>Gemini:SetupTimeout</c>.
/// </summary>
internal sealed partial class GeminiConnector(
    IOptions<GeminiOptions> options,
    Relay.ToolSet tools,
    Vertex.VertexCredentials credentials,
    Relay.SessionClock clock,
    ILogger<GeminiConnector> logger,
    ILogger<GeminiSession> sessionLogger)
{
    private readonly GeminiOptions _options = options.Value;
    private readonly ILogger _logger = logger;

    public async Task<IGeminiSession> ConnectAsync(LiveSessionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = _options.BuildServiceUri();
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SetupTimeout);

        var client = new ClientWebSocket();
        client.Options.KeepAliveInterval = _options.KeepAliveInterval;
        client.Options.KeepAliveTimeout = _options.KeepAliveTimeout == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : _options.KeepAliveTimeout;
        var socket = new GeminiSocket(client);
        try
        {
            await AuthorizeAsync(client.Options, timeout.Token).ConfigureAwait(false);
            try
            {
                await client.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException && !timeout.IsCancellationRequested)
            {
                throw new GeminiConnectException(GeminiConnectException.Unavailable, $"Could not reach Gemini at {uri.Host}: {ex.Message}", inner: ex);
            }

            using (var writer = new GeminiMessageWriter())
            {
                var setup = writer.Setup(GeminiSetupBuilder.Build(_options, request, tools.Declarations));
                try
                {
                    await client.SendAsync(setup, WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
                }
                catch (WebSocketException ex) when (!timeout.IsCancellationRequested)
                {
                    throw new GeminiConnectException(GeminiConnectException.Unavailable, $"Gemini dropped the connection during setup: {ex.Message}", inner: ex);
                }
            }

            var sessionId = await WaitForSetupCompleteAsync(socket, timeout.Token).ConfigureAwait(false);
            var model = request.Model ?? _options.Model;
            Log.Connected(_logger, model, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (sessionId is not null)
            {
                // Vertex AI names each session: the id Google's support and logs know it by.
                Log.VertexSession(_logger, sessionId);
            }

            // One logger for every session (DI's singleton): Serilog's logger factory builds a new logger chain per
            // CreateLogger call, which each session would otherwise hold (see Browser.SessionLogger).
            return new GeminiSession(socket, model, sessionLogger, _options.SendTimeout, clock);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new GeminiConnectException(GeminiConnectException.SetupTimeout,
                $"Gemini did not complete the session setup within {_options.SetupTimeout.TotalSeconds:0.###} s.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AuthorizeAsync(ClientWebSocketOptions socketOptions, CancellationToken cancellationToken)
    {
        if (!_options.UsesAccessTokens)
        {
            socketOptions.SetRequestHeader("x-goog-api-key", _options.ApiKey);
            return;
        }

        string token;
        try
        {
            token = await credentials.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Google.Apis.Auth.OAuth2.Responses.TokenResponseException or InvalidOperationException or HttpRequestException)
        {
            // The details (file paths, account names) go to the log only; the browser gets a fixed sentence.
            Log.AccessTokenFailed(_logger, ex);
            throw new GeminiConnectException(GeminiConnectException.Unavailable, "Could not authenticate to Vertex AI (see the relay's log).", inner: ex);
        }

        socketOptions.SetRequestHeader("Authorization", "Bearer " + token);
    }

    private async Task<string?> WaitForSetupCompleteAsync(GeminiSocket socket, CancellationToken cancellationToken)
    {
        var message = new GeminiServerMessage();
        while (true)
        {
            var (json, close) = await socket.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (close is not null)
            {
                // A bad setup is answered by a close (1007/1008), never by a JSON error: surface its reason.
                Log.SetupRejected(_logger, close.Code, close.Reason);
                throw new GeminiConnectException(GeminiConnectException.Closed,
                    $"Gemini closed the connection during setup ({close.Code}: {close.Reason}).", close);
            }

            try
            {
                GeminiServerMessageParser.Parse(json.Span, message);
            }
            catch (JsonException ex)
            {
                Log.UnexpectedSetupReply(_logger, ex.Message);
                continue;
            }

            if (message.SetupComplete)
            {
                return message.SessionId;
            }

            Log.UnexpectedSetupReply(_logger, "a message other than setupComplete");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1005, LogLevel.Warning, "Could not get a Google access token for Vertex AI", EventName = "VertexAccessTokenFailed")]
        public static partial void AccessTokenFailed(ILogger logger, Exception exception);

        [LoggerMessage(1001, LogLevel.Debug, "Gemini session for {Model} ready in {ElapsedMs:0} ms", EventName = "GeminiConnected")]
        public static partial void Connected(ILogger logger, string model, double elapsedMs);

        [LoggerMessage(1002, LogLevel.Warning, "Gemini rejected the setup: {CloseCode} {CloseReason}", EventName = "GeminiSetupRejected")]
        public static partial void SetupRejected(ILogger logger, int closeCode, string closeReason);

        [LoggerMessage(1003, LogLevel.Warning, "Ignored an unexpected reply before setupComplete: {Detail}", EventName = "GeminiUnexpectedSetupReply")]
        public static partial void UnexpectedSetupReply(ILogger logger, string detail);

        [LoggerMessage(1004, LogLevel.Information, "Vertex AI session {VertexSessionId} set up", EventName = "VertexSessionId")]
        public static partial void VertexSession(ILogger logger, string vertexSessionId);
    }
}
