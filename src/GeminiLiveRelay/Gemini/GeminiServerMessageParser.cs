using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace GeminiLiveRelay.Gemini;

/// <summary>
/// Reads a server message with <see cref="Utf8JsonReader"/>, decoding base64 audio straight from the UTF-8 bytes
/// into a reused buffer: the per-chunk hot path must not allocate (no DOM, no base64 strings). Every key is checked
/// independently (one message may carry audio, transcripts and flags together); unknown keys are skipped.
/// </summary>
internal static partial class GeminiServerMessageParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <exception cref="JsonException">The message is not a JSON object.</exception>
    public static void Parse(ReadOnlySpan<byte> json, GeminiServerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Reset();
        var reader = new Utf8JsonReader(json, ReaderOptions);
        ReadObject(ref reader, message, static (ref reader, message) =>
        {
            if (reader.ValueTextEquals("setupComplete"u8))
            {
                message.SetupComplete = true;
                message.SessionId = ReadSetupComplete(ref reader);
            }
            else if (reader.ValueTextEquals("serverContent"u8))
            {
                reader.Read();
                ReadObject(ref reader, message, ReadServerContentProperty);
            }
            else if (reader.ValueTextEquals("goAway"u8))
            {
                reader.Read();
                message.GoAway = new GoAway(ReadGoAway(ref reader));
            }
            else if (reader.ValueTextEquals("sessionResumptionUpdate"u8))
            {
                reader.Read();
                message.Resumption = ReadResumption(ref reader);
            }
            else if (reader.ValueTextEquals("toolCall"u8))
            {
                message.ToolCall = ReadToolCall(ref reader);
            }
            else if (reader.ValueTextEquals("toolCallCancellation"u8))
            {
                message.ToolCallCancellation = ReadToolCallCancellation(ref reader);
            }
            else if (reader.ValueTextEquals("usageMetadata"u8))
            {
                message.Usage = ReadUsage(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }, topLevel: true);
    }

    private delegate void PropertyReader(ref Utf8JsonReader reader, GeminiServerMessage message);

    // Positioned on StartObject (or, at top level, before it); calls onProperty positioned on each property name.
    private static void ReadObject(ref Utf8JsonReader reader, GeminiServerMessage message, PropertyReader onProperty, bool topLevel = false)
    {
        if (topLevel)
        {
            reader.Read();
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            if (topLevel)
            {
                throw new JsonException("A server message must be a JSON object.");
            }

            reader.Skip();
            return;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            onProperty(ref reader, message);
        }
    }

    private static void ReadServerContentProperty(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        if (reader.ValueTextEquals("modelTurn"u8))
        {
            reader.Read();
            ReadObject(ref reader, message, static (ref reader, message) =>
            {
                if (reader.ValueTextEquals("parts"u8))
                {
                    ReadParts(ref reader, message);
                }
                else
                {
                    Skip(ref reader);
                }
            });
        }
        else if (reader.ValueTextEquals("inputTranscription"u8))
        {
            message.InputTranscript = Concat(message.InputTranscript, ReadTranscriptionText(ref reader));
        }
        else if (reader.ValueTextEquals("outputTranscription"u8))
        {
            message.OutputTranscript = Concat(message.OutputTranscript, ReadTranscriptionText(ref reader));
        }
        else if (reader.ValueTextEquals("generationComplete"u8))
        {
            message.GenerationComplete = ReadBool(ref reader);
        }
        else if (reader.ValueTextEquals("interrupted"u8))
        {
            message.Interrupted = ReadBool(ref reader);
        }
        else if (reader.ValueTextEquals("turnComplete"u8))
        {
            message.TurnComplete = ReadBool(ref reader);
        }
        else if (reader.ValueTextEquals("groundingMetadata"u8))
        {
            message.Grounding = ReadGrounding(ref reader);
        }
        else
        {
            Skip(ref reader);
        }
    }

    private static void ReadParts(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            ReadPart(ref reader, message);
        }
    }

    private static void ReadPart(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        string? text = null;
        var thought = false;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("thought"u8))
            {
                thought = ReadBool(ref reader);
            }
            else if (reader.ValueTextEquals("inlineData"u8))
            {
                ReadInlineData(ref reader, message);
            }
            else
            {
                Skip(ref reader);
            }
        }

        // Thought summaries are the model's reasoning, never its words to the user.
        if (!string.IsNullOrEmpty(text) && !thought)
        {
            message.Parts.Add(new GeminiServerMessage.ModelPart(0, 0, text));
        }
    }

    private static void ReadInlineData(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        var isAudio = true;
        var decoded = -1;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.ValueTextEquals("mimeType"u8))
            {
                reader.Read();
                isAudio = reader.TokenType == JsonTokenType.String && IsAudioMimeType(ref reader);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                decoded = reader.TokenType == JsonTokenType.String ? DecodeBase64(ref reader, message) : -1;
            }
            else
            {
                Skip(ref reader);
            }
        }

        if (isAudio && decoded > 0)
        {
            message.CommitAudio(decoded);
        }
    }

    private static bool IsAudioMimeType(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.StartsWith("audio/"u8);
        }

        // "audio\/pcm" is valid JSON for "audio/pcm": compare the unescaped value (mime types are short).
        Span<byte> unescaped = stackalloc byte[64];
        return reader.ValueSpan.Length <= unescaped.Length &&
               unescaped[..reader.CopyString(unescaped)].StartsWith("audio/"u8);
    }

    private static int DecodeBase64(ref Utf8JsonReader reader, GeminiServerMessage message)
    {
        var source = reader.ValueSpan;
        byte[]? rented = null;
        try
        {
            if (reader.ValueIsEscaped)
            {
                // JSON may escape '/' as "\/"; unescape into a pooled buffer (rare path).
                rented = ArrayPool<byte>.Shared.Rent(source.Length);
                source = rented.AsSpan(0, reader.CopyString(rented));
            }

            var target = message.ReserveAudio(Base64.GetMaxDecodedFromUtf8Length(source.Length));
            var status = Base64.DecodeFromUtf8(source, target, out _, out var written);
            return status == OperationStatus.Done ? written : throw new JsonException("Audio data is not valid base64.");
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string? ReadTranscriptionText(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? text = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                Skip(ref reader);
            }
        }

        return text;
    }

    private static TimeSpan? ReadGoAway(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        TimeSpan? timeLeft = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.ValueTextEquals("timeLeft"u8))
            {
                reader.Read();
                timeLeft = reader.TokenType == JsonTokenType.String ? ParseDuration(reader.GetString()) : null;
            }
            else
            {
                Skip(ref reader);
            }
        }

        return timeLeft;
    }

    private static ResumptionUpdate ReadResumption(ref Utf8JsonReader reader)
    {
        string? handle = null;
        var resumable = false;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return new ResumptionUpdate(null, false);
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.ValueTextEquals("newHandle"u8))
            {
                reader.Read();
                handle = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("resumable"u8))
            {
                resumable = ReadBool(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return new ResumptionUpdate(string.IsNullOrEmpty(handle) ? null : handle, resumable);
    }

    /// <summary>A protobuf Duration in JSON: decimal seconds with an <c>s</c> suffix, e.g. <c>"50s"</c>, <c>"1.5s"</c>.</summary>
    internal static TimeSpan? ParseDuration(string? value) =>
        value is { Length: > 1 } && value[^1] == 's' &&
        double.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
        seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static bool ReadBool(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
        {
            return reader.GetBoolean();
        }

        reader.Skip();
        return false;
    }

    private static void Skip(ref Utf8JsonReader reader)
    {
        // Positioned on a property name: move to its value and skip over it entirely.
        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
        }

        reader.Skip();
    }

    private static string? Concat(string? first, string? second) =>
        first is null ? second : second is null ? first : first + second;
}
