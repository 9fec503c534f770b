using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GeminiLiveRelay.MockGemini;

/// <summary>
/// A stand-in for Google's Gemini Live service on 127.0.0.1 (real Kestrel, real WebSockets, the real wire protocol):
/// expects <c>setup</c> first and checks it, answers <c>setupComplete</c>, records every client message, and lets a
/// test script the replies or misbehave on cue. Failures inside the server are rethrown by <see cref="DisposeAsync"/>.
/// </summary>
public sealed partial class MockGeminiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<MockGeminiConnection> _connections = Channel.CreateUnbounded<MockGeminiConnection>();
    private readonly List<Exception> _failures = [];
    private readonly List<MockGeminiConnection> _all = [];
    private int _refusedUpgrades;
    private long _forgottenViolations;
    private string? _firstForgottenViolation;

    private MockGeminiServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The HTTP base URL to configure as <c>Gemini:BaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public MockSetupBehavior SetupBehavior { get; set; } = MockSetupBehavior.Complete;

    /// <summary>Delay before <c>setupComplete</c>; any client message arriving meanwhile is a violation.</summary>
    public TimeSpan SetupCompleteDelay { get; set; }

    public int SetupCloseCode { get; set; } = 1007;

    /// <summary>
    /// When set, an upgrade whose <c>Authorization</c> header (empty when absent) fails this check is refused with
    /// 401 before the WebSocket opens, as Google refuses a bad OAuth token.
    /// </summary>
    public Func<string, bool>? AuthorizationCheck { get; set; }

    /// <summary>Upgrades refused by <see cref="AuthorizationCheck"/>.</summary>
    public int RefusedUpgrades => Volatile.Read(ref _refusedUpgrades);

    public string SetupCloseReason { get; set; } = "Request contains an invalid argument.";

    /// <summary>Runs for every connection once setup completed, alongside the recorder; use it to script replies.</summary>
    public Func<MockGeminiConnection, CancellationToken, Task>? Script { get; set; }

    /// <summary>
    /// Optional: sees each client message after <c>setupComplete</c> as raw UTF-8 JSON before it is parsed (the memory
    /// is valid only during the call). Returning true takes the message over: it is neither parsed, validated nor
    /// recorded, so a load run can take thousands of audio messages a second without the recorder's per-message
    /// allocations. Returning false leaves it to the recorder as usual. Null (the default): every message is recorded.
    /// </summary>
    public Func<MockGeminiConnection, ReadOnlyMemory<byte>, bool>? RawMessageFilter { get; set; }

    /// <summary>
    /// Protocol violations on every connection so far, forgotten ones included (a load run forgets ended connections
    /// but must still see none), and the first of them.
    /// </summary>
    public (long Count, string? First) Violations()
    {
        lock (_all)
        {
            var count = _forgottenViolations;
            var first = _firstForgottenViolation;
            foreach (var connection in _all)
            {
                var violations = connection.Violations;
                count += violations.Count;
                first ??= violations.Count > 0 ? violations[0] : null;
            }

            return (count, first);
        }
    }

    public IReadOnlyList<MockGeminiConnection> Connections
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public static Task<MockGeminiServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(port: 0, cancellationToken);

    /// <summary>Starts on a fixed loopback port (0: any free port), e.g. for a relay started separately by hand.</summary>
    public static Task<MockGeminiServer> StartAsync(int port, CancellationToken cancellationToken = default) =>
        StartAsync(port, transport: null, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(int, CancellationToken)"/>, with Kestrel's socket transport set up by
    /// <paramref name="transport"/> (null: Kestrel's defaults). The load tool uses it so that the mock, which stands in
    /// for a service on other machines, takes as little of the shared CPU as it can.
    /// </summary>
    public static Task<MockGeminiServer> StartAsync(
        int port, Action<SocketTransportOptions>? transport, CancellationToken cancellationToken = default) =>
        StartAsync(port, transport, certificate: null, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(int, Action{SocketTransportOptions}?, CancellationToken)"/>, serving TLS with
    /// <paramref name="certificate"/> when it is set (<see cref="BaseUrl"/> is then <c>https</c>, so the relay speaks
    /// <c>wss</c> as it does to Google); the client must trust the certificate.
    /// </summary>
    public static async Task<MockGeminiServer> StartAsync(
        int port, Action<SocketTransportOptions>? transport, X509Certificate2? certificate, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves HTTPS out unless asked
        }

        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, port, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        if (transport is not null)
        {
            builder.WebHost.UseSockets(transport);
        }

        var app = builder.Build();
        var server = new MockGeminiServer(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address);
        return server;
    }

    /// <summary>
    /// Drops the mock's record of a finished connection (long fuzz and load runs would otherwise keep it all); its
    /// violations stay counted in <see cref="Violations"/>.
    /// </summary>
    public void Forget(MockGeminiConnection connection)
    {
        lock (_all)
        {
            // Its record goes, its violations still count.
            if (_all.Remove(connection) && connection.Violations is { Count: > 0 } violations)
            {
                _forgottenViolations += violations.Count;
                _firstForgottenViolation ??= violations[0];
            }
        }
    }

    /// <summary>Waits until the mock has accepted at least <paramref name="count"/> connections.</summary>
    public async Task WaitForConnectionCountAsync(int count, CancellationToken cancellationToken)
    {
        while (Connections.Count < count)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The next connection the mock accepts (in order).</summary>
    public async Task<MockGeminiConnection> NextConnectionAsync(CancellationToken cancellationToken) =>
        await _connections.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in Connections)
        {
            connection.Drop();
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        lock (_failures)
        {
            if (_failures.Count > 0)
            {
                throw new AggregateException("The mock Gemini server failed.", _failures);
            }
        }
    }

    // Accepts the path with one or two leading slashes: the JS SDK builds "//ws/...". The second form is Vertex AI's
    // (note the '/' before BidiGenerateContent).
    [GeneratedRegex(@"^/{1,2}ws/(?:google\.ai\.generativelanguage\.(v[0-9a-z]+)\.GenerativeService\.BidiGenerateContent|(?<vertex>google\.cloud\.aiplatform\.(v[0-9a-z]+)\.LlmBidiService/BidiGenerateContent))$")]
    private static partial Regex ServicePath();

    private async Task HandleAsync(HttpContext context)
    {
        var path = ServicePath().Match(context.Request.Path.Value ?? string.Empty);
        if (!path.Success)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (AuthorizationCheck is { } check && !check(context.Request.Headers.Authorization.ToString()))
        {
            Interlocked.Increment(ref _refusedUpgrades);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var connection = new MockGeminiConnection(context, socket, vertex: path.Groups["vertex"].Success);
        lock (_all)
        {
            _all.Add(connection);
        }

        _connections.Writer.TryWrite(connection);
        try
        {
            await RunConnectionAsync(connection, socket, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or Microsoft.AspNetCore.Connections.ConnectionAbortedException or IOException)
        {
            // The client or the test dropped the connection: part of the script, not a mock failure.
        }
        catch (Exception ex)
        {
            lock (_failures)
            {
                _failures.Add(ex);
            }
        }
        finally
        {
            connection.MarkEnded();
        }
    }

    private async Task RunConnectionAsync(MockGeminiConnection connection, WebSocket socket, CancellationToken aborted)
    {
        var buffer = new byte[1024 * 1024];
        var first = await ReceiveJsonAsync(connection, socket, buffer, aborted).ConfigureAwait(false);
        if (first is null)
        {
            return;
        }

        if (ClientMessageValidator.ValidateSetup(first, connection.IsVertex) is { } setupError)
        {
            connection.Violation(setupError);
            await connection.CloseAsync(1007, "Request contains an invalid argument.", aborted).ConfigureAwait(false);
            return;
        }

        connection.Setup = (JsonObject)first["setup"]!;
        switch (SetupBehavior)
        {
            case MockSetupBehavior.NeverAnswer:
                await RecordUntilClosedAsync(connection, socket, buffer, setupDone: null, aborted).ConfigureAwait(false);
                return;
            case MockSetupBehavior.Close:
                await connection.CloseAsync(SetupCloseCode, SetupCloseReason, aborted).ConfigureAwait(false);
                await RecordUntilClosedAsync(connection, socket, buffer, setupDone: null, aborted).ConfigureAwait(false);
                return;
            case MockSetupBehavior.Drop:
                connection.Drop();
                return;
        }

        var setupDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recording = RecordUntilClosedAsync(connection, socket, buffer, setupDone, aborted, RawMessageFilter);
        if (SetupCompleteDelay > TimeSpan.Zero)
        {
            await Task.Delay(SetupCompleteDelay, aborted).ConfigureAwait(false);
        }

        // Vertex AI names each session in setupComplete; the Developer API sends {}.
        connection.SessionId = connection.IsVertex ? Guid.NewGuid().ToString() : null;
        // Marked done before the send, not after: once setupComplete is on the wire the client may answer before this
        // method resumes, and on a busy machine it did (a load run's first frame of one session then took the slow
        // path, unrecorded as audio, and was flagged as sent too early). Anything received before this point, e.g.
        // during SetupCompleteDelay, is still a violation.
        setupDone.SetResult();
        await connection.SendAsync(GeminiMessages.SetupComplete(connection.SessionId), aborted).ConfigureAwait(false);
        var script = Script is { } s ? s(connection, aborted) : Task.CompletedTask;
        await Task.WhenAll(recording, script).ConfigureAwait(false);
    }

    private static async Task RecordUntilClosedAsync(
        MockGeminiConnection connection,
        WebSocket socket,
        byte[] buffer,
        TaskCompletionSource? setupDone,
        CancellationToken aborted,
        Func<MockGeminiConnection, ReadOnlyMemory<byte>, bool>? filter = null)
    {
        try
        {
            await RecordMessagesAsync(connection, socket, buffer, setupDone, filter, aborted).ConfigureAwait(false);
        }
        finally
        {
            connection.MarkClientFinished();
        }
    }

    private static async Task RecordMessagesAsync(
        MockGeminiConnection connection,
        WebSocket socket,
        byte[] buffer,
        TaskCompletionSource? setupDone,
        Func<MockGeminiConnection, ReadOnlyMemory<byte>, bool>? filter,
        CancellationToken aborted)
    {
        while (true)
        {
            var length = await ReceiveMessageAsync(connection, socket, buffer, aborted).ConfigureAwait(false);
            if (length < 0)
            {
                return;
            }

            if (filter is not null && setupDone is { Task.IsCompleted: true } && filter(connection, buffer.AsMemory(0, length)))
            {
                continue;
            }

            var message = await ParseJsonAsync(connection, buffer, length, aborted).ConfigureAwait(false);
            if (message is null)
            {
                return;
            }

            if (setupDone is null || !setupDone.Task.IsCompleted)
            {
                connection.Violation("a message was sent before setupComplete: " + message.ToJsonString());
            }

            if (ClientMessageValidator.ValidateMessage(message, out var audio) is { } error)
            {
                connection.Violation(error);
            }

            connection.Record(message, audio);
        }
    }

    private static async Task<JsonObject?> ReceiveJsonAsync(MockGeminiConnection connection, WebSocket socket, byte[] buffer, CancellationToken aborted)
    {
        var length = await ReceiveMessageAsync(connection, socket, buffer, aborted).ConfigureAwait(false);
        return length < 0 ? null : await ParseJsonAsync(connection, buffer, length, aborted).ConfigureAwait(false);
    }

    /// <summary>Reads one whole message into <paramref name="buffer"/>; -1 when the client closed or it was too big.</summary>
    private static async Task<int> ReceiveMessageAsync(MockGeminiConnection connection, WebSocket socket, byte[] buffer, CancellationToken aborted)
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (length == buffer.Length)
            {
                connection.Violation("a client message exceeded 1 MiB");
                await connection.CloseAsync(1009, "message too big", aborted).ConfigureAwait(false);
                return -1;
            }

            result = await socket.ReceiveAsync(buffer.AsMemory(length), aborted).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                connection.ClientCloseStatus = socket.CloseStatus;
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, aborted).ConfigureAwait(false);
                }

                return -1;
            }

            length += result.Count;
        }
        while (!result.EndOfMessage);

        if (result.MessageType != WebSocketMessageType.Text)
        {
            connection.Violation("client messages must be text frames (every official SDK sends text)");
        }

        return length;
    }

    private static async Task<JsonObject?> ParseJsonAsync(MockGeminiConnection connection, byte[] buffer, int length, CancellationToken aborted)
    {
        try
        {
            return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length)) as JsonObject
                ?? throw new JsonException("not an object");
        }
        catch (JsonException ex)
        {
            connection.Violation("invalid JSON: " + ex.Message);
            await connection.CloseAsync(1007, "Invalid JSON payload received.", aborted).ConfigureAwait(false);
            return null;
        }
    }
}
