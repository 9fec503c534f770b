using System.Diagnostics;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Relay;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// The mock Gemini of a load run, in this process: <see cref="MockAutoResponder"/> answers each utterance; this class
/// reads each connection's frame marks (which session, which frame, how long since the client sent it) and marks the
/// answer's chunks (session, sequence, send time) for the client to check.
/// </summary>
internal sealed class MockSide : IAsyncDisposable
{
    private readonly MockGeminiServer _server;
    private readonly MockCertificate? _certificate;
    private readonly LoadSession?[] _sessions;
    private readonly int _frameSamples16k;
    private readonly CancellationTokenSource _drain = new();
    private readonly Task _draining;
    private long _unmatchedFrames;

    private MockSide(MockGeminiServer server, MockCertificate? certificate, int sessions, int frameMs)
    {
        _server = server;
        _certificate = certificate;
        _sessions = new LoadSession?[sessions];
        _frameSamples16k = 16 * frameMs;
        _draining = DrainConnectionsAsync(_drain.Token);
    }

    public MockAutoResponder Responder { get; private set; } = null!;

    public Uri BaseUrl => _server.BaseUrl;

    /// <summary>With <c>--mock-tls</c>: the PEM file the relay must trust (its <c>SSL_CERT_FILE</c>); otherwise null.</summary>
    public string? TrustFile => _certificate?.PemPath;

    /// <summary>Upstream frames whose mark named no known session, or that could not be read (must be 0).</summary>
    public long UnmatchedFrames => Interlocked.Read(ref _unmatchedFrames);

    public static async Task<MockSide> StartAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var certificate = options.MockTls ? MockCertificate.Create() : null;
        var server = await MockGeminiServer.StartAsync(options.MockPort, MockTransport(options), certificate?.Certificate, cancellationToken).ConfigureAwait(false);
        var side = new MockSide(server, certificate, options.Sessions, options.FrameMs);
        side.Responder = new MockAutoResponder(new MockAutoResponderOptions
        {
            UtteranceLength = TimeSpan.FromSeconds(options.UtteranceSeconds),
            ReplyLength = TimeSpan.FromSeconds(options.AudioBack ? options.ReplySeconds : 0),
            ReplyChunk = TimeSpan.FromMilliseconds(options.ReplyChunkMs),
            ReplySpeed = options.ReplySpeed,
            OutputTranscriptEvery = options.AudioBack ? 10 : 0,
        })
        {
            OnInputAudio = side.OnInputAudio,
            WriteReplyChunk = side.WriteReplyChunk,
        };
        // --audio-back off: utterances are still answered (input transcript, turn flags), with no audio.
        side.Responder.Attach(server);
        return side;
    }

    // The mock stands in for a service on other machines, yet here shares two cores with the relay: Kestrel's
    // default transport hops every read to the thread pool, which costs the shared CPU and adds queueing to the
    // very latencies being measured. The relay's own settings run reads inline instead.
    private static Action<SocketTransportOptions>? MockTransport(LoadOptions options) =>
        options.MockInlineTransport ? RelayTransport.Configure : null;

    /// <summary>
    /// Protocol violations the mock recorded (must be 0): a message that broke the protocol also skipped the audio
    /// path, so it would show as a lost frame.
    /// </summary>
    public (long Count, string? First) Violations() => _server.Violations();

    public void Register(LoadSession session) => Volatile.Write(ref _sessions[session.Index], session);

    private void OnInputAudio(MockGeminiConnection connection, ReadOnlySpan<byte> pcm16k)
    {
        var now = Stopwatch.GetTimestamp();
        var state = connection.UserState as ConnectionState;
        if (state is null)
        {
            state = new ConnectionState(this, new UpstreamDecoder(_frameSamples16k));
            connection.UserState = state;
        }

        state.Now = now;
        state.Decoder.Feed(pcm16k, state.OnFrame);
    }

    private void WriteReplyChunk(MockGeminiConnection connection, long chunkIndex, Span<byte> pcm24k)
    {
        if (connection.UserState is ConnectionState { Session: { } session })
        {
            Interlocked.Increment(ref session.DownChunksSent);
            DownstreamHeader.Write(pcm24k, session.Index, chunkIndex, Stopwatch.GetTimestamp());
        }
    }

    private async Task DrainConnectionsAsync(CancellationToken cancellationToken)
    {
        // Nobody awaits NextConnectionAsync in a load run: empty the mock's queue so it holds no ended connection.
        try
        {
            while (true)
            {
                await _server.NextConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _drain.CancelAsync().ConfigureAwait(false);
        await _draining.ConfigureAwait(false);
        _drain.Dispose();
        await _server.DisposeAsync().ConfigureAwait(false);
        _certificate?.Dispose();
    }

    private sealed class ConnectionState
    {
        private readonly MockSide _owner;

        public ConnectionState(MockSide owner, UpstreamDecoder decoder)
        {
            _owner = owner;
            Decoder = decoder;
            OnFrame = HandleFrame;
        }

        public UpstreamDecoder Decoder { get; }

        public UpstreamDecoder.FrameHandler OnFrame { get; }

        public LoadSession? Session { get; private set; }

        public long Now { get; set; }

        private void HandleFrame(bool valid, int session, int sequence)
        {
            if (!valid)
            {
                if (Session is { } known)
                {
                    known.UpUndecodable++;
                }
                else
                {
                    Interlocked.Increment(ref _owner._unmatchedFrames);
                }

                return;
            }

            if (Session is null)
            {
                if (session >= _owner._sessions.Length || Volatile.Read(ref _owner._sessions[session]) is not { } found)
                {
                    Interlocked.Increment(ref _owner._unmatchedFrames);
                    return;
                }

                Session = found;
                Interlocked.Increment(ref found.MockConnections);
            }

            if (session != Session.Index)
            {
                Session.UpUndecodable++;
                return;
            }

            Session.OnUpstreamFrame(sequence, Now);
        }
    }
}
