using GeminiLiveRelay.Tests.Infrastructure;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Tests.Gemini;

/// <summary>
/// The client messages on the wire, byte for byte as the newest official JS SDK sends them (protocol reference 3.1,
/// 3.3 and the addendum): compact camelCase JSON, one top-level key, nothing null.
/// </summary>
public sealed class GeminiMessageWriterTests
{
    [Fact]
    public void Audio_ProducesExactlyTheRealtimeInputAudioMessage()
    {
        // Bytes whose base64 holds '+', '/' and '=' padding: none of them may be escaped.
        var pcm = new byte[] { 0xFB, 0xFF, 0xBF, 0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8B, 0x30 };
        var base64 = Convert.ToBase64String(pcm);
        Assert.Contains("+", base64, StringComparison.Ordinal);
        Assert.Contains("/", base64, StringComparison.Ordinal);
        Assert.EndsWith("=", base64, StringComparison.Ordinal);
        using var writer = new GeminiMessageWriter();

        var json = Utf8(writer.Audio(pcm));

        Assert.Equal(Fill("""{"realtimeInput":{"audio":{"data":"@0@","mimeType":"audio/pcm;rate=16000"}}}""", base64), json);
    }

    [Fact]
    public void Audio_LargerThanTheInitialBuffer_IsWrittenWhole()
    {
        var pcm = new byte[32 * 1024];
        new Random(21).NextBytes(pcm);
        using var writer = new GeminiMessageWriter();

        var json = Utf8(writer.Audio(pcm));

        Assert.Equal(Fill("""{"realtimeInput":{"audio":{"data":"@0@","mimeType":"audio/pcm;rate=16000"}}}""", Convert.ToBase64String(pcm)), json);
    }

    [Theory]
    [InlineData("Hello")]
    [InlineData("She said \"hi\" \\ then left")]
    [InlineData("line one\nline two\ttabbed\r\n")]
    [InlineData("Grüße, 日本語, emoji 🎙️, </script><b>&amp;'")]
    [InlineData("\u0001 control \u001F")]
    [InlineData("")]
    public void Text_AnyCharacters_RoundTripsAsRealtimeInputText(string text)
    {
        using var writer = new GeminiMessageWriter();

        var json = Utf8(writer.Text(text));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var input = Assert.Single(root.EnumerateObject());
        Assert.Equal("realtimeInput", input.Name);
        var field = Assert.Single(input.Value.EnumerateObject());
        Assert.Equal("text", field.Name);
        Assert.Equal(text, field.Value.GetString());
    }

    [Theory]
    [InlineData(nameof(ClientSignal.ActivityStart), """{"realtimeInput":{"activityStart":{}}}""")]
    [InlineData(nameof(ClientSignal.ActivityEnd), """{"realtimeInput":{"activityEnd":{}}}""")]
    [InlineData(nameof(ClientSignal.AudioStreamEnd), """{"realtimeInput":{"audioStreamEnd":true}}""")]
    public void Signal_ProducesExactlyItsRealtimeInputMessage(string signal, string expected)
    {
        using var writer = new GeminiMessageWriter();

        Assert.Equal(expected, Utf8(writer.Signal(Enum.Parse<ClientSignal>(signal))));
    }

    [Fact]
    public void Signal_Unknown_Throws()
    {
        using var writer = new GeminiMessageWriter();

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Signal((ClientSignal)42));
    }

    [Fact]
    public void SuccessiveCalls_OnOneWriter_EachProduceOnlyTheirOwnMessage()
    {
        using var writer = new GeminiMessageWriter();
        var pcm = new byte[4000];
        new Random(22).NextBytes(pcm);

        var setup = Utf8(writer.Setup(GeminiSetupBuilder.Build(new GeminiOptions())));
        var audio = Utf8(writer.Audio(pcm));
        var signal = Utf8(writer.Signal(ClientSignal.AudioStreamEnd));
        var text = Utf8(writer.Text("hi"));
        var audioAgain = Utf8(writer.Audio(pcm.AsSpan(0, 2)));

        Assert.StartsWith("""{"setup":""", setup, StringComparison.Ordinal);
        Assert.Equal(Fill("""{"realtimeInput":{"audio":{"data":"@0@","mimeType":"audio/pcm;rate=16000"}}}""", Convert.ToBase64String(pcm)), audio);
        Assert.Equal("""{"realtimeInput":{"audioStreamEnd":true}}""", signal);
        Assert.Equal("""{"realtimeInput":{"text":"hi"}}""", text);
        Assert.Equal(Fill("""{"realtimeInput":{"audio":{"data":"@0@","mimeType":"audio/pcm;rate=16000"}}}""", Convert.ToBase64String(pcm.AsSpan(0, 2))), audioAgain);
    }

    [Fact]
    public void Setup_WithoutResumptionAndCompression_IsExactlyTheJsSdkMinimalAudioSetup()
    {
        using var writer = new GeminiMessageWriter();

        var json = Utf8(writer.Setup(GeminiSetupBuilder.Build(new GeminiOptions { SessionResumption = false, ContextWindowCompression = false })));

        Assert.Equal(
            """{"setup":{"model":"models/gemini-3.8-live","generationConfig":{"responseModalities":["AUDIO"]},"inputAudioTranscription":{},"outputAudioTranscription":{}}}""",
            json);
    }

    [Fact]
    public void Setup_WithVoiceAndSystemInstruction_SpeechConfigInsideGenerationConfig()
    {
        const string instruction = "You are \"Ada\", a terse assistant.\nAnswer in Français — briefly. 🎧";
        using var writer = new GeminiMessageWriter();

        var json = Utf8(writer.Setup(GeminiSetupBuilder.Build(new GeminiOptions { Voice = " Kore ", SystemInstruction = instruction, SessionResumption = false, ContextWindowCompression = false })));

        var root = JsonNode.Parse(json)!.AsObject();
        var setup = Assert.Single(root);
        Assert.Equal("setup", setup.Key);
        var body = setup.Value!.AsObject();
        Assert.Equal(
            ["model", "generationConfig", "systemInstruction", "inputAudioTranscription", "outputAudioTranscription"],
            body.Select(p => p.Key).ToArray());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"responseModalities":["AUDIO"],"speechConfig":{"voiceConfig":{"prebuiltVoiceConfig":{"voiceName":"Kore"}}}}"""),
            body["generationConfig"]), body["generationConfig"]?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(
            new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = instruction }), ["role"] = "user" },
            body["systemInstruction"]), body["systemInstruction"]?.ToJsonString());
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", json, StringComparison.Ordinal); // compact: the instruction's newline is escaped
    }

    [Fact]
    public void Setup_AsciiVoiceAndInstruction_IsExactlyTheSdkShape()
    {
        using var writer = new GeminiMessageWriter();

        var json = Utf8(writer.Setup(GeminiSetupBuilder.Build(new GeminiOptions { Voice = "Puck", SystemInstruction = "Be brief.", SessionResumption = false, ContextWindowCompression = false })));

        Assert.Equal(
            """{"setup":{"model":"models/gemini-3.8-live","generationConfig":{"responseModalities":["AUDIO"],"speechConfig":{"voiceConfig":{"prebuiltVoiceConfig":{"voiceName":"Puck"}}}},"systemInstruction":{"parts":[{"text":"Be brief."}],"role":"user"},"inputAudioTranscription":{},"outputAudioTranscription":{}}}""",
            json);
    }

    [Fact]
    public void Setup_BlankVoiceAndInstruction_AreLeftOut()
    {
        using var writer = new GeminiMessageWriter();

        var json = Utf8(writer.Setup(GeminiSetupBuilder.Build(new GeminiOptions { Voice = "  ", SystemInstruction = " \n ", Model = "models/custom-live", SessionResumption = false, ContextWindowCompression = false })));

        Assert.Equal(
            """{"setup":{"model":"models/custom-live","generationConfig":{"responseModalities":["AUDIO"]},"inputAudioTranscription":{},"outputAudioTranscription":{}}}""",
            json);
    }

    [Fact]
    public void Setup_Defaults_AskForResumptionHandlesAndSlidingWindowCompression()
    {
        using var writer = new GeminiMessageWriter();

        var json = Utf8(writer.Setup(GeminiSetupBuilder.Build(new GeminiOptions { CompressionTriggerTokens = 25600, CompressionTargetTokens = 12800 })));

        var setup = JsonNode.Parse(json)!["setup"]!;
        Assert.True(JsonNode.DeepEquals(new JsonObject(), setup["sessionResumption"]));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"triggerTokens":"25600","slidingWindow":{"targetTokens":"12800"}}"""), setup["contextWindowCompression"]));
    }

    [Fact]
    public void Setup_WithAHandle_ResumesFromIt()
    {
        using var writer = new GeminiMessageWriter();

        var json = Utf8(writer.Setup(GeminiSetupBuilder.Build(new GeminiOptions(), new LiveSessionRequest { ResumeHandle = "Cj0xyz" })));

        Assert.Equal("Cj0xyz", (string?)JsonNode.Parse(json)!["setup"]!["sessionResumption"]!["handle"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"slidingWindow":{}}"""), JsonNode.Parse(json)!["setup"]!["contextWindowCompression"]));
    }

    [Fact]
    public void Audio_AfterWarmUp_AllocatesNothing()
    {
        using var writer = new GeminiMessageWriter();
        var pcm = new byte[640]; // 20 ms at 16 kHz
        new Random(23).NextBytes(pcm);
        var length = 0;
        var allocated = Allocations.SteadyState(() => length = writer.Audio(pcm).Length);

        Assert.True(length > 640, "the writer produced nothing");
        Assert.Equal(0, allocated);
    }

    private static string Utf8(ReadOnlyMemory<byte> message) => Encoding.UTF8.GetString(message.Span);

    /// <summary>Puts each value in place of its <c>@index@</c> marker (JSON is full of braces, so no interpolation).</summary>
    private static string Fill(string template, params string[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            template = template.Replace($"@{i}@", values[i], StringComparison.Ordinal);
        }

        return template;
    }
}
