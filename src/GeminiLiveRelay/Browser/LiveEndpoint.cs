using System.Diagnostics;
using GeminiLiveRelay.Observability;
using System.Security.Cryptography;
using GeminiLiveRelay.Relay;
using Microsoft.AspNetCore.Http.Timeouts;
using GeminiLiveRelay.Gemini;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Browser;

/// <summary><c>/live</c>: validates the request, accepts the WebSocket and runs one <see cref="RelaySession"/>.</summary>
internal static partial class LiveEndpoint
{
    public static IEndpointConventionBuilder MapLiveRelay(this IEndpointRouteBuilder endpoints)
    {
        // Other methods on /live get 405 with a sentence (and Allow: GET), not a bare status.
        endpoints.MapMethods("/live", ["POST", "PUT", "PATCH", "DELETE"], static context =>
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET";
            return context.Response.WriteAsync("/live accepts only GET with a WebSocket upgrade.");
        });
        return endpoints.MapGet("/live", HandleAsync).RequireRateLimiting(Access.AccessServiceCollectionExtensions.ConnectRatePolicy);
    }

    private static async Task HandleAsync(
        HttpContext context,
        LiveRequestGate gate,
        BackendConnector backend,
        ToolSet tools,
        ResumeTokens resumeTokens,
        SessionClock clock,
        IOptions<RelayOptions> relayOptions,
        IOptions<GeminiOptions> geminiOptions,
        IHostApplicationLifetime lifetime,
        RelayMetrics metrics,
        SessionLogger sessionLogger)
    {
        if (gate.Check(context, out var admitted) is { } refusal)
        {
            context.Response.StatusCode = refusal.Status;
            await context.Response.WriteAsync(refusal.Message).ConfigureAwait(false);
            return;
        }

        using var lease = admitted!.Lease;
        var (format, request) = (admitted.Format, admitted.Request);

        // A resume token (from a dropped connection) continues that conversation, on the model it ran on.
        string? resumeHandle = null;
        string? resumeError = null;
        if (context.Request.Query.TryGetValue("resume", out var resume) && resume.Count == 1 && !string.IsNullOrEmpty(resume[0]))
        {
            resumeError = resumeTokens.TryRead(resume[0]!, TokenUser(admitted.Client), out var resumeModel, out var handle);
            if (resumeError is null)
            {
                resumeHandle = handle;
                request = request with { Model = resumeModel, ResumeHandle = handle };
            }
        }

        var logger = sessionLogger.Logger;
        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = sessionId, ["User"] = admitted.Client.User });

        // A live conversation is not a request: it must not be cut by a request timeout.
        context.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = relayOptions.Value.KeepAliveInterval,
        }).ConfigureAwait(false);

        if (resumeError is not null)
        {
            // Refused after the upgrade: a browser cannot read the body of a refused handshake, but it can read this.
            Log.ResumeRefused(logger, resumeError);
            await RefuseResumeAsync(socket, resumeError, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        metrics.SessionStarted();
        Activity.Current?.SetTag("gemini_live_relay.session_id", sessionId);
        Log.SessionStarted(logger, context.Connection.RemoteIpAddress, format.SampleRate, format.EncodingName, format.Channels);
        var gemini = geminiOptions.Value;
        var setup = new RelaySessionSetup(
            sessionId,
            format,
            relayOptions.Value,
            clock,
            ManualActivity: request.ManualActivity ?? gemini.AutomaticActivityDetection == false,
            Tools: tools.Declarations.Count > 0 ? tools : null,
            Resumption: gemini.SessionResumption && gemini.EffectiveBackend == GeminiBackend.Gemini,
            ResumeHandle: resumeHandle,
            ResumeTokens: gemini.SessionResumption ? resumeTokens : null,
            MaxDuration: relayOptions.Value.MaxSessionDuration,
            // 0 = no budget: nothing to charge or watch (the admission reports +∞ minutes, which no TimeSpan holds).
            DailyBudget: relayOptions.Value.DailyMinutesPerUser == 0 ? null : lease.ChargeAndGetRemainingMinutes,
            Metrics: metrics,
            TokenUser: TokenUser(admitted.Client));
        using var session = new RelaySession(socket, setup, (handle, ct) => backend.ConnectAsync(request with { ResumeHandle = handle }, ct), logger);
        var end = RelayEnd.Failed;
        try
        {
            end = await session.RunAsync(lifetime.ApplicationStopping, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.SessionFailed(logger, ex);
            socket.Abort();
            throw;
        }
        finally
        {
            metrics.SessionEnded(end, session.Stats.Duration);
        }

        var stats = session.Stats;
        var level = end.ToLogLevel();
        var seconds = stats.Duration.TotalSeconds;
        Log.SessionEnded(logger, level, end, seconds, stats.BrowserFrames,
            stats.AudioBytesFromBrowser, stats.AudioBytesToGemini, stats.AudioBytesToBrowser, stats.AudioBytesDropped);
        Log.SessionUsage(logger, stats.ToolCalls, stats.ImagesToGemini, stats.ImagesDropped, stats.PromptTokens, stats.ResponseTokens,
            stats.TotalTokens, stats.TokensByModality ?? []);
    }

    /// <summary>
    /// Resume tokens are bound to a signed-in user; with sign-in off there is no stable identity (an IP changes when
    /// a phone changes networks), so the token alone carries the conversation, as a bearer secret.
    /// </summary>
    private static string TokenUser(Access.ClientIdentity client) => client.Authenticated ? client.User : string.Empty;

    private static async Task RefuseResumeAsync(System.Net.WebSockets.WebSocket socket, string message, CancellationToken cancellationToken)
    {
        var json = BrowserEvents.Encode(new ErrorEvent("invalid_resume_token", message));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await socket.SendAsync(json, System.Net.WebSockets.WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, "invalid resume token", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Information, "Session started from {RemoteIp}: {SampleRate} Hz {Encoding} x{Channels}", EventName = "SessionStarted")]
        public static partial void SessionStarted(ILogger logger, System.Net.IPAddress? remoteIp, int sampleRate, string encoding, int channels);

        [LoggerMessage(EventId = 3002, Message = "Session ended ({End}) after {DurationSeconds:0.0} s: {Frames} browser frames, {BytesIn} audio bytes in, {BytesToGemini} to Gemini, {BytesOut} to the browser, {BytesDropped} dropped by interruptions", EventName = "SessionEnded")]
        public static partial void SessionEnded(ILogger logger, LogLevel level, RelayEnd end, double durationSeconds, long frames, long bytesIn, long bytesToGemini, long bytesOut, long bytesDropped);

        [LoggerMessage(3004, LogLevel.Information, "Session usage: {ToolCalls} tool calls, {Images} images ({ImagesDropped} dropped), tokens {PromptTokens} in / {ResponseTokens} out / {TotalTokens} total, by modality {TokensByModality}", EventName = "SessionUsage")]
        public static partial void SessionUsage(ILogger logger, long toolCalls, long images, long imagesDropped, long promptTokens, long responseTokens, long totalTokens, Dictionary<string, long> tokensByModality);

        [LoggerMessage(3005, LogLevel.Information, "Refused a resume token: {Reason}", EventName = "ResumeRefused")]
        public static partial void ResumeRefused(ILogger logger, string reason);

        [LoggerMessage(3003, LogLevel.Error, "Session failed", EventName = "SessionFailed")]
        public static partial void SessionFailed(ILogger logger, Exception exception);
    }
}
