using System.Text.Json;

namespace GeminiLiveRelay.Gemini;

// The less frequent server messages: tool calls, cancellations, usage and grounding. They allocate (ids, names,
// argument documents), which is fine: they are not per-audio-chunk.
internal static partial class GeminiServerMessageParser
{
    private static ToolCall ReadToolCall(ref Utf8JsonReader reader)
    {
        var calls = new List<FunctionCall>();
        ForEachProperty(ref reader, (ref r) =>
        {
            if (!r.ValueTextEquals("functionCalls"u8))
            {
                Skip(ref r);
                return;
            }

            ForEachArrayObject(ref r, (ref call) =>
            {
                string? id = null;
                string? name = null;
                JsonElement? args = null;
                ForEachProperty(ref call, (ref p) =>
                {
                    if (p.ValueTextEquals("id"u8))
                    {
                        id = ReadString(ref p);
                    }
                    else if (p.ValueTextEquals("name"u8))
                    {
                        name = ReadString(ref p);
                    }
                    else if (p.ValueTextEquals("args"u8))
                    {
                        p.Read();
                        args = JsonElement.ParseValue(ref p);
                    }
                    else
                    {
                        Skip(ref p);
                    }
                }, positionedOnObject: false);
                if (name is not null)
                {
                    calls.Add(new FunctionCall(id ?? string.Empty, name, args is { ValueKind: JsonValueKind.Object } a ? a : EmptyObject));
                }
            });
        });
        return new ToolCall(calls);
    }

    private static ToolCallCancellation ReadToolCallCancellation(ref Utf8JsonReader reader)
    {
        var ids = new List<string>();
        ForEachProperty(ref reader, (ref r) =>
        {
            if (r.ValueTextEquals("ids"u8))
            {
                ReadStrings(ref r, ids);
            }
            else
            {
                Skip(ref r);
            }
        });
        return new ToolCallCancellation(ids);
    }

    /// <summary>The <c>sessionId</c> Vertex AI puts in <c>setupComplete</c>, if any.</summary>
    private static string? ReadSetupComplete(ref Utf8JsonReader reader)
    {
        string? sessionId = null;
        ForEachProperty(ref reader, (ref r) =>
        {
            if (r.ValueTextEquals("sessionId"u8))
            {
                sessionId = ReadString(ref r);
            }
            else
            {
                Skip(ref r);
            }
        });
        return string.IsNullOrEmpty(sessionId) ? null : sessionId;
    }

    private static Usage ReadUsage(ref Utf8JsonReader reader)
    {
        long prompt = 0, response = 0, total = 0, cached = 0, toolUse = 0, thoughts = 0;
        var promptByModality = new Dictionary<string, long>(StringComparer.Ordinal);
        var responseByModality = new Dictionary<string, long>(StringComparer.Ordinal);
        ForEachProperty(ref reader, (ref r) =>
        {
            if (r.ValueTextEquals("promptTokenCount"u8))
            {
                prompt = ReadInt64(ref r);
            }
            else if (r.ValueTextEquals("responseTokenCount"u8) || r.ValueTextEquals("candidatesTokenCount"u8))
            {
                response = ReadInt64(ref r); // Vertex spells it candidates*
            }
            else if (r.ValueTextEquals("totalTokenCount"u8))
            {
                total = ReadInt64(ref r);
            }
            else if (r.ValueTextEquals("cachedContentTokenCount"u8))
            {
                cached = ReadInt64(ref r);
            }
            else if (r.ValueTextEquals("toolUsePromptTokenCount"u8))
            {
                toolUse = ReadInt64(ref r);
            }
            else if (r.ValueTextEquals("thoughtsTokenCount"u8))
            {
                thoughts = ReadInt64(ref r);
            }
            else if (r.ValueTextEquals("promptTokensDetails"u8))
            {
                ReadModalities(ref r, promptByModality);
            }
            else if (r.ValueTextEquals("responseTokensDetails"u8) || r.ValueTextEquals("candidatesTokensDetails"u8))
            {
                ReadModalities(ref r, responseByModality);
            }
            else
            {
                Skip(ref r);
            }
        });
        return new Usage(prompt, response, total, cached, toolUse, thoughts, promptByModality, responseByModality);
    }

    private static void ReadModalities(ref Utf8JsonReader reader, Dictionary<string, long> into)
    {
        ForEachArrayObject(ref reader, (ref detail) =>
        {
            string? modality = null;
            long count = 0;
            ForEachProperty(ref detail, (ref p) =>
            {
                if (p.ValueTextEquals("modality"u8))
                {
                    modality = ReadString(ref p);
                }
                else if (p.ValueTextEquals("tokenCount"u8))
                {
                    count = ReadInt64(ref p);
                }
                else
                {
                    Skip(ref p);
                }
            }, positionedOnObject: false);
            if (modality is not null)
            {
                into[modality] = into.GetValueOrDefault(modality) + count;
            }
        });
    }

    private static Grounding ReadGrounding(ref Utf8JsonReader reader)
    {
        var sources = new List<GroundingSource>();
        var queries = new List<string>();
        ForEachProperty(ref reader, (ref r) =>
        {
            if (r.ValueTextEquals("groundingChunks"u8))
            {
                ForEachArrayObject(ref r, (ref chunk) => ForEachProperty(ref chunk, (ref c) =>
                {
                    if (!c.ValueTextEquals("web"u8))
                    {
                        Skip(ref c);
                        return;
                    }

                    string? uri = null;
                    string? title = null;
                    ForEachProperty(ref c, (ref w) =>
                    {
                        if (w.ValueTextEquals("uri"u8))
                        {
                            uri = ReadString(ref w);
                        }
                        else if (w.ValueTextEquals("title"u8))
                        {
                            title = ReadString(ref w);
                        }
                        else
                        {
                            Skip(ref w);
                        }
                    });
                    if (uri is not null)
                    {
                        sources.Add(new GroundingSource(title, uri));
                    }
                }, positionedOnObject: false));
            }
            else if (r.ValueTextEquals("webSearchQueries"u8))
            {
                ReadStrings(ref r, queries);
            }
            else
            {
                Skip(ref r);
            }
        });
        return new Grounding(sources, queries);
    }

    private delegate void ReaderAction(ref Utf8JsonReader reader);

    /// <summary>
    /// Calls <paramref name="onProperty"/> on each property name of an object. By default positioned on the property
    /// name whose value is the object; with <paramref name="positionedOnObject"/> false, on the StartObject itself.
    /// </summary>
    private static void ForEachProperty(ref Utf8JsonReader reader, ReaderAction onProperty, bool positionedOnObject = true)
    {
        if (positionedOnObject && reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            onProperty(ref reader);
        }
    }

    /// <summary>Positioned on a property name whose value is an array: calls back on each object element (on its StartObject).</summary>
    private static void ForEachArrayObject(ref Utf8JsonReader reader, ReaderAction onObject)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                onObject(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Positioned on a property name whose value is an array: adds its string elements (others are skipped).</summary>
    private static void ReadStrings(ref Utf8JsonReader reader, List<string> into)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                into.Add(reader.GetString()!);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>int64 fields are JSON strings in the proto3 mapping, but numbers are accepted too.</summary>
    private static long ReadInt64(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt64(out var n) => n,
            JsonTokenType.String when long.TryParse(reader.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s) => s,
            _ => SkipAndZero(ref reader),
        };
    }

    private static long SkipAndZero(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return 0;
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;
}
