using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tests.Tools;

/// <summary>
/// What a writer method produces, as compact JSON text; the writer validates that it is well formed. Relaxed
/// escaping keeps expected strings readable ('+' stays '+'); the escaping is the caller's writer's choice anyway.
/// </summary>
internal static class JsonText
{
    public static string Of(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Of(JsonNode? node) => Of(writer =>
    {
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer);
        }
    });

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
