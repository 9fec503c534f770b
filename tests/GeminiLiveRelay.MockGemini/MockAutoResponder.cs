using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace GeminiLiveRelay.MockGemini;

/// <summary>
/// A conversation partner for load runs: every <see cref="MockAutoResponderOptions.UtteranceLength"/> of input audio
/// counts as one utterance and is answered like the service answers (input transcript, 24 kHz audio in chunks
/// faster than real time with output transcripts alongside, <c>generationComplete</c>, <c>turnComplete</c> with usage).
/// Audio messages are read on a cheap path (<see cref="MockGeminiServer.RawMessageFilter"/>: no DOM, decoded into a
/// reused buffer, not recorded); anything else, or audio in an unexpected shape, goes to the recorder and its checks.
/// Connections are forgotten by the server once they end, so the mock's memory stays flat however long the run.
/// </summary>
public sealed class MockAutoResponder
{
    private const string ChunkMarker = "WlpaWlpa"; // base64 of "ZZZZZZ": no character JSON would escape
    private static readonly byte[] ChunkMarkerPcm = "ZZZZZZ"u8.ToArray();
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    private readonly ConcurrentDictionary<MockGeminiConnection, State> _states = new();
    private readonly byte[] _chunkPrefix;
    private readonly byte[] _chunkSuffix;
    private readonly byte[] _inputTranscript;
    private readonly byte[] _outputTranscript;
    private readonly byte[] _generationComplete;
    private readonly byte[] _turnComplete;
    private readonly byte[] _tone;
    private long _audioMessages;
    private long _replies;
    private long _replyChunks;

    public MockAutoResponder(MockAutoResponderOptions? options = null)
    {
        Options = options ?? new MockAutoResponderOptions();
        // The message layout is GeminiMessages' own (indented, as the service sends); only the audio is spliced in.
        var template = GeminiMessages.Audio(ChunkMarkerPcm);
        var at = template.IndexOf(ChunkMarker, StringComparison.Ordinal);
        _chunkPrefix = Encoding.UTF8.GetBytes(template[..at]);
        _chunkSuffix = Encoding.UTF8.GetBytes(template[(at + ChunkMarker.Length)..]);
        _inputTranscript = Encoding.UTF8.GetBytes(GeminiMessages.InputTranscript(Options.InputTranscript));
        _outputTranscript = Encoding.UTF8.GetBytes(GeminiMessages.OutputTranscript(Options.OutputTranscript));
        _generationComplete = Encoding.UTF8.GetBytes(GeminiMessages.GenerationComplete());
        _turnComplete = Encoding.UTF8.GetBytes(GeminiMessages.TurnComplete());
        _tone = new byte[Options.ReplyChunkBytes];
        for (var i = 0; i < _tone.Length / 2; i++)
        {
            var sample = (short)(8000 * Math.Sin(2 * Math.PI * 220 * i / 24000));
            _tone[2 * i] = (byte)sample;
            _tone[(2 * i) + 1] = (byte)(sample >> 8);
        }
    }

    /// <summary>Sees the PCM (16 kHz) of every audio message on the cheap path, on the connection's reader.</summary>
    public delegate void InputAudioObserver(MockGeminiConnection connection, ReadOnlySpan<byte> pcm16k);

    /// <summary>May overwrite a reply chunk (a 220 Hz tone by default) just before it is encoded and sent.</summary>
    public delegate void ReplyChunkWriter(MockGeminiConnection connection, long chunkIndex, Span<byte> pcm24k);

    public MockAutoResponderOptions Options { get; }

    public InputAudioObserver? OnInputAudio { get; init; }

    public ReplyChunkWriter? WriteReplyChunk { get; init; }

    public long AudioMessages => Interlocked.Read(ref _audioMessages);

    public long Replies => Interlocked.Read(ref _replies);

    public long ReplyChunks => Interlocked.Read(ref _replyChunks);

    /// <summary>Connections being answered now.</summary>
    public int ActiveConnections => _states.Count;

    /// <summary>Makes <paramref name="server"/> answer every connection (sets its Script and RawMessageFilter).</summary>
    public void Attach(MockGeminiServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.RawMessageFilter = TryTakeAudio;
        server.Script = (connection, aborted) => RunAsync(server, connection, aborted);
    }

    private State StateOf(MockGeminiConnection connection) =>
        _states.GetOrAdd(connection, static (_, chunkBytes) => new State(chunkBytes), _chunkPrefix.Length + _chunkSuffix.Length + Base64.GetMaxEncodedToUtf8Length(_tone.Length));

    private bool TryTakeAudio(MockGeminiConnection connection, ReadOnlyMemory<byte> json)
    {
        var state = StateOf(connection);
        var length = TryDecodeAudio(json.Span, state);
        if (length < 0)
        {
            return false;
        }

        Interlocked.Increment(ref _audioMessages);
        OnInputAudio?.Invoke(connection, state.Decoded.AsSpan(0, length));
        var before = state.AudioBytes;
        state.AudioBytes += length;
        var utterance = Options.UtteranceBytes;
        if (before / utterance != state.AudioBytes / utterance)
        {
            state.Utterances.Release();
        }

        return true;
    }

    /// <summary>
    /// Exactly <c>{"realtimeInput":{"audio":{"data":"…","mimeType":"audio/pcm;rate=16000"}}}</c> (keys in either
    /// order) with whole samples: decoded into the state's buffer, returns its length; anything else: -1.
    /// </summary>
    private static int TryDecodeAudio(ReadOnlySpan<byte> json, State state)
    {
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!(reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.ValueTextEquals("realtimeInput"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.ValueTextEquals("audio"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.StartObject))
            {
                return -1;
            }

            var length = -1;
            var mimeOk = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("data"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    length = Decode(ref reader, state);
                }
                else if (reader.ValueTextEquals("mimeType"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    mimeOk = reader.ValueTextEquals("audio/pcm;rate=16000"u8);
                }
                else
                {
                    return -1;
                }
            }

            var closed = reader.TokenType == JsonTokenType.EndObject
                && reader.Read() && reader.TokenType == JsonTokenType.EndObject
                && reader.Read() && reader.TokenType == JsonTokenType.EndObject
                && !reader.Read();
            return closed && mimeOk && length >= 0 && length % 2 == 0 ? length : -1;
        }
        catch (JsonException)
        {
            return -1; // the recorder reports it
        }
    }

    private static int Decode(ref Utf8JsonReader reader, State state)
    {
        var source = reader.ValueSpan;
        byte[]? unescaped = null;
        try
        {
            if (reader.ValueIsEscaped)
            {
                unescaped = ArrayPool<byte>.Shared.Rent(source.Length);
                source = unescaped.AsSpan(0, reader.CopyString(unescaped));
            }

            var needed = Base64.GetMaxDecodedFromUtf8Length(source.Length);
            if (state.Decoded.Length < needed)
            {
                state.Decoded = new byte[needed];
            }

            return Base64.DecodeFromUtf8(source, state.Decoded, out _, out var written) == OperationStatus.Done ? written : -1;
        }
        finally
        {
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
    }

    private async Task RunAsync(MockGeminiServer server, MockGeminiConnection connection, CancellationToken aborted)
    {
        var state = StateOf(connection);
        try
        {
            var finished = connection.ClientFinished;
            while (true)
            {
                var utterance = state.Utterances.WaitAsync(aborted);
                if (await Task.WhenAny(utterance, finished).ConfigureAwait(false) != utterance)
                {
                    return;
                }

                await utterance.ConfigureAwait(false);
                await ReplyAsync(connection, state, finished, aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            _states.TryRemove(connection, out _);
            server.Forget(connection);
        }
    }

    private async Task ReplyAsync(MockGeminiConnection connection, State state, Task finished, CancellationToken aborted)
    {
        if (Options.ThinkingDelay > TimeSpan.Zero)
        {
            await Task.Delay(Options.ThinkingDelay, aborted).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _replies);
        await connection.SendAsync(_inputTranscript, aborted).ConfigureAwait(false);
        var chunks = (int)Math.Round(Options.ReplyLength / Options.ReplyChunk);
        using var pace = new PeriodicTimer(Options.ReplyChunk / Options.ReplySpeed);
        var pcm = new byte[_tone.Length];
        for (var i = 0; i < chunks; i++)
        {
            if (finished.IsCompleted)
            {
                return;
            }

            _tone.CopyTo(pcm, 0);
            WriteReplyChunk?.Invoke(connection, state.NextChunk++, pcm);
            await connection.SendAsync(EncodeChunk(state, pcm), aborted).ConfigureAwait(false);
            Interlocked.Increment(ref _replyChunks);
            if (Options.OutputTranscriptEvery > 0 && (i + 1) % Options.OutputTranscriptEvery == 0)
            {
                await connection.SendAsync(_outputTranscript, aborted).ConfigureAwait(false);
            }

            if (i + 1 < chunks)
            {
                await pace.WaitForNextTickAsync(aborted).ConfigureAwait(false);
            }
        }

        await connection.SendAsync(_generationComplete, aborted).ConfigureAwait(false);
        await connection.SendAsync(_turnComplete, aborted).ConfigureAwait(false);
    }

    private ReadOnlyMemory<byte> EncodeChunk(State state, ReadOnlySpan<byte> pcm)
    {
        var json = state.Json;
        _chunkPrefix.CopyTo(json, 0);
        var length = _chunkPrefix.Length;
        Base64.EncodeToUtf8(pcm, json.AsSpan(length), out _, out var written);
        length += written;
        _chunkSuffix.CopyTo(json, length);
        return json.AsMemory(0, length + _chunkSuffix.Length);
    }

    private sealed class State(int jsonBytes)
    {
        public SemaphoreSlim Utterances { get; } = new(0);

        public byte[] Decoded { get; set; } = new byte[4096];

        public byte[] Json { get; } = new byte[jsonBytes];

        public long AudioBytes { get; set; }

        public long NextChunk { get; set; }
    }
}
