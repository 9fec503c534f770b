using System.Text.Json.Nodes;

namespace GeminiLiveRelay.MockGemini;

/// <summary>
/// The rules the real service enforces on client messages (protocol reference, sections 2–3), checked strictly so
/// a relay bug shows up here rather than as a 1007 from Google: one top-level key per message, camelCase, one kind
/// of realtime input per message, audio declared as 16 kHz PCM.
/// </summary>
internal static partial class ClientMessageValidator
{
    private static readonly string[] ClientKeys = ["setup", "clientContent", "realtimeInput", "toolResponse"];
    private static readonly string[] RealtimeKeys = ["audio", "video", "text", "audioStreamEnd", "activityStart", "activityEnd", "mediaChunks"];

    public static string? ValidateSetup(JsonObject message, bool vertex = false)
    {
        if (message.Count != 1 || message["setup"] is not JsonObject setup)
        {
            return "the first message must be exactly {\"setup\":{...}}";
        }

        if (setup["model"]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            return "setup.model must be a string";
        }

        var model = setup["model"]!.GetValue<string>();
        if (vertex ? !VertexModel().IsMatch(model) : !model.StartsWith("models/", StringComparison.Ordinal))
        {
            return vertex
                ? "setup.model must be 'projects/<p>/locations/<l>/publishers/<publisher>/models/<id>' (or, express mode, 'publishers/<publisher>/models/<id>') on Vertex AI"
                : "setup.model must be a string 'models/<id>'";
        }

        foreach (var (key, _) in setup)
        {
            if (key.Contains('_', StringComparison.Ordinal))
            {
                return $"setup.{key} is not camelCase";
            }
        }

        if (setup["generationConfig"] is JsonObject config &&
            config["responseModalities"] is JsonArray modalities &&
            modalities.Any(m => m?.GetValue<string>() is not ("AUDIO" or "TEXT")))
        {
            return "generationConfig.responseModalities must hold AUDIO or TEXT";
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(projects/[^/]+/locations/[^/]+/)?publishers/[^/]+/models/[^/]+$")]
    private static partial System.Text.RegularExpressions.Regex VertexModel();

    public static string? ValidateMessage(JsonObject message, out byte[]? audio)
    {
        audio = null;
        if (message.Count != 1)
        {
            return $"a client message must have exactly one top-level key; got {message.Count}";
        }

        var (key, value) = message.First();
        if (!ClientKeys.Contains(key))
        {
            return $"unknown client message '{key}'";
        }

        if (key == "setup")
        {
            return "setup may only be sent once, first";
        }

        if (key != "realtimeInput")
        {
            return null;
        }

        if (value is not JsonObject input || input.Count != 1 || !RealtimeKeys.Contains(input.First().Key))
        {
            return "realtimeInput must carry exactly one known field";
        }

        if (input["audio"] is JsonObject blob)
        {
            if (blob["mimeType"]?.GetValue<string>() != "audio/pcm;rate=16000")
            {
                return $"realtimeInput.audio.mimeType must be audio/pcm;rate=16000; got {blob["mimeType"]}";
            }

            try
            {
                audio = Convert.FromBase64String(blob["data"]?.GetValue<string>() ?? string.Empty);
            }
            catch (FormatException)
            {
                return "realtimeInput.audio.data is not base64";
            }

            if (audio.Length % 2 != 0)
            {
                return "realtimeInput.audio.data is not whole PCM16 samples";
            }
        }

        return null;
    }
}
