using System.Buffers;
using System.Text.Json;

namespace GeminiLiveRelay.Gemini;

/// <summary>
/// Encodes client messages into one reused buffer (one writer per session): base64 audio is written straight into
/// it, so sending a chunk allocates nothing. Each call invalidates the memory the previous call returned.
/// </summary>
internal sealed class GeminiMessageWriter : IDisposable
{
    public const string AudioMimeType = "audio/pcm;rate=16000";

    // Enough for a 60 ms audio chunk; larger messages (setup, 100 ms chunks, images) grow it.
    private readonly ArrayBufferWriter<byte> _buffer = new(4 * 1024);
    private readonly Utf8JsonWriter _json;

    public GeminiMessageWriter()
    {
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public ReadOnlyMemory<byte> Setup(SetupMessage setup)
    {
        Start();
        JsonSerializer.Serialize(_json, setup, GeminiJsonContext.Default.SetupMessage);
        return Finish();
    }

    /// <summary><c>{"realtimeInput":{"audio":{"data":"...","mimeType":"audio/pcm;rate=16000"}}}</c></summary>
    public ReadOnlyMemory<byte> Audio(ReadOnlySpan<byte> pcm16k)
    {
        Start();
        _json.WriteStartObject();
        _json.WriteStartObject("realtimeInput"u8);
        _json.WriteStartObject("audio"u8);
        _json.WriteBase64String("data"u8, pcm16k);
        _json.WriteString("mimeType"u8, AudioMimeType);
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    /// <summary><c>{"realtimeInput":{"text":"..."}}</c>: the typed-input form every Live model accepts mid-session.</summary>
    public ReadOnlyMemory<byte> Text(string text)
    {
        Start();
        _json.WriteStartObject();
        _json.WriteStartObject("realtimeInput"u8);
        _json.WriteString("text"u8, text);
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    /// <summary><c>{"realtimeInput":{"video":{"data":"...","mimeType":"image/jpeg"}}}</c>: one camera or screen frame.</summary>
    public ReadOnlyMemory<byte> Video(string mimeType, string base64)
    {
        Start();
        _json.WriteStartObject();
        _json.WriteStartObject("realtimeInput"u8);
        _json.WriteStartObject("video"u8);
        _json.WriteString("data"u8, base64);
        _json.WriteString("mimeType"u8, mimeType);
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    /// <summary><c>{"toolResponse":{"functionResponses":[...]}}</c>.</summary>
    public ReadOnlyMemory<byte> ToolResponse(IReadOnlyList<Tools.ToolResponse> responses)
    {
        Start();
        Tools.ToolResponseWriter.Write(_json, responses);
        return Finish();
    }

    public ReadOnlyMemory<byte> Signal(ClientSignal signal)
    {
        Start();
        _json.WriteStartObject();
        _json.WriteStartObject("realtimeInput"u8);
        switch (signal)
        {
            case ClientSignal.ActivityStart:
                _json.WriteStartObject("activityStart"u8);
                _json.WriteEndObject();
                break;
            case ClientSignal.ActivityEnd:
                _json.WriteStartObject("activityEnd"u8);
                _json.WriteEndObject();
                break;
            case ClientSignal.AudioStreamEnd:
                _json.WriteBoolean("audioStreamEnd"u8, true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(signal), signal, null);
        }

        _json.WriteEndObject();
        _json.WriteEndObject();
        return Finish();
    }

    public void Dispose() => _json.Dispose();

    private void Start()
    {
        _buffer.ResetWrittenCount();
        _json.Reset();
    }

    private ReadOnlyMemory<byte> Finish()
    {
        _json.Flush();
        return _buffer.WrittenMemory;
    }
}
