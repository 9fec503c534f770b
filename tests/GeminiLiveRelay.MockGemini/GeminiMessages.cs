using System.Text.Json;
using System.Text.Json.Nodes;

namespace GeminiLiveRelay.MockGemini;

/// <summary>
/// Server messages in the service's wire shape (protocol reference, section 4). Serialised indented, as the real
/// service does, so clients that parse line by line fail here as they would against Google.
/// </summary>
public static class GeminiMessages
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string SetupComplete() => Serialize(new JsonObject { ["setupComplete"] = new JsonObject() });

    /// <summary>Vertex AI's form, <c>{"setupComplete":{"sessionId":"…"}}</c>; null gives the Developer API's <c>{}</c>.</summary>
    public static string SetupComplete(string? sessionId) =>
        sessionId is null ? SetupComplete() : Serialize(new JsonObject { ["setupComplete"] = new JsonObject { ["sessionId"] = sessionId } });

    /// <summary>One chunk of model audio (PCM16 LE 24 kHz), optionally with other serverContent fields alongside.</summary>
    public static string Audio(ReadOnlySpan<byte> pcm24k, string? outputTranscript = null)
    {
        var data = Convert.ToBase64String(pcm24k);
        return ServerContent(content =>
        {
            content["modelTurn"] = new JsonObject
            {
                ["parts"] = new JsonArray(new JsonObject
                {
                    ["inlineData"] = new JsonObject
                    {
                        ["mimeType"] = "audio/pcm;rate=24000",
                        ["data"] = data,
                    },
                }),
            };
            if (outputTranscript is not null)
            {
                content["outputTranscription"] = new JsonObject { ["text"] = outputTranscript };
            }
        });
    }

    public static string InputTranscript(string text) =>
        ServerContent(content => content["inputTranscription"] = new JsonObject { ["text"] = text });

    public static string OutputTranscript(string text) =>
        ServerContent(content => content["outputTranscription"] = new JsonObject { ["text"] = text });

    public static string ModelText(string text, bool thought = false) =>
        ServerContent(content =>
        {
            var part = new JsonObject { ["text"] = text };
            if (thought)
            {
                part["thought"] = true;
            }

            content["modelTurn"] = new JsonObject { ["parts"] = new JsonArray(part) };
        });

    public static string GenerationComplete() => ServerContent(content => content["generationComplete"] = true);

    public static string TurnComplete(bool withUsage = true) =>
        Serialize(new JsonObject
        {
            ["serverContent"] = new JsonObject { ["turnComplete"] = true },
            ["usageMetadata"] = withUsage
                ? new JsonObject { ["promptTokenCount"] = 120, ["responseTokenCount"] = 48, ["totalTokenCount"] = 168 }
                : null,
        });

    public static string Interrupted() => ServerContent(content => content["interrupted"] = true);

    public static string GoAway(string timeLeft) => Serialize(new JsonObject { ["goAway"] = new JsonObject { ["timeLeft"] = timeLeft } });

    public static string ResumptionUpdate(string handle, bool resumable = true) =>
        Serialize(new JsonObject
        {
            ["sessionResumptionUpdate"] = new JsonObject { ["newHandle"] = handle, ["resumable"] = resumable },
        });

    public static string ServerContent(Action<JsonObject> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        var content = new JsonObject();
        fill(content);
        return Serialize(new JsonObject { ["serverContent"] = content });
    }

    private static string Serialize(JsonObject message)
    {
        // Drop nulls the way protobuf JSON omits unset fields.
        foreach (var key in message.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            message.Remove(key);
        }

        return message.ToJsonString(Indented);
    }
}
