using GeminiLiveRelay.Tests.Infrastructure;
using System.Text;
using System.Text.Json;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.MockGemini;

namespace GeminiLiveRelay.Tests.Gemini;

/// <summary>
/// <see cref="GeminiServerMessageParser"/> against the server shapes of the protocol reference (sections 2 and 4):
/// every key read independently, unknown keys skipped, base64 decoded exactly, nothing left over between messages.
/// </summary>
public sealed class GeminiServerMessageParserTests
{
    [Theory]
    [InlineData("""{"setupComplete":{}}""")]
    [InlineData("""{"setupComplete":{"sessionId":"f162d11d-6c1f-4c1e-9a57-2b8e4f0b1a3c"}}""")]
    [InlineData("{\n  \"setupComplete\": {\n    \"sessionId\": \"f162d11d-6c1f-4c1e-9a57-2b8e4f0b1a3c\"\n  }\n}")]
    public void SetupComplete_DeveloperAndVertexForms_SetSetupComplete(string json)
    {
        var message = Parse(json);

        Assert.True(message.SetupComplete);
        Assert.Empty(message.Parts);
        Assert.False(message.TurnComplete);
        Assert.Null(message.GoAway);
    }

    [Fact]
    public void ServerContent_WithoutSetupComplete_LeavesSetupCompleteFalse()
    {
        var message = Parse("""{"serverContent":{"turnComplete":true}}""");

        Assert.False(message.SetupComplete);
        Assert.True(message.TurnComplete);
    }

    [Fact]
    public void Gemini3Message_CarryingEveryFieldAtOnce_ReadsThemAll()
    {
        var audio = Bytes(1920, seed: 1);
        var json = Fill("""
            {
              "usageMetadata": {
                "promptTokenCount": 120,
                "responseTokenCount": 48,
                "totalTokenCount": 168,
                "promptTokensDetails": [ { "modality": "AUDIO", "tokenCount": 100 }, { "modality": "TEXT", "tokenCount": 20 } ]
              },
              "serverContent": {
                "modelTurn": {
                  "parts": [ { "inlineData": { "mimeType": "audio/pcm;rate=24000", "data": "@0@" } } ]
                },
                "outputTranscription": { "text": "Hello there" },
                "inputTranscription": { "text": "hi", "finished": true, "languageCode": "en-US" },
                "generationComplete": true,
                "turnComplete": true
              }
            }
            """, Convert.ToBase64String(audio));

        var message = Parse(json);

        var part = Assert.Single(message.Parts);
        Assert.Null(part.Text);
        Assert.Equal(audio, AudioOf(message, part));
        Assert.Equal(audio, message.Audio.ToArray());
        Assert.Equal("Hello there", message.OutputTranscript);
        Assert.Equal("hi", message.InputTranscript);
        Assert.True(message.GenerationComplete);
        Assert.True(message.TurnComplete);
        Assert.False(message.Interrupted);
        Assert.False(message.SetupComplete);
        Assert.Null(message.GoAway);
        Assert.Null(message.Resumption);
    }

    [Fact]
    public void ModelTurn_SeveralParts_KeptInOrderAndThoughtsSkipped()
    {
        var first = Bytes(960, seed: 2);
        var second = Bytes(1440, seed: 3);
        var json = Fill("""
            {"serverContent":{"modelTurn":{"role":"model","parts":[
              {"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"@0@"}},
              {"text":"Let me think about the user's question...","thought":true},
              {"thought":true,"text":"thought flag before the text"},
              {"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"@1@"}},
              {"text":"Visible answer."},
              {"text":"Also visible.","thought":false}
            ]}}}
            """, Convert.ToBase64String(first), Convert.ToBase64String(second));

        var message = Parse(json);

        Assert.Equal(4, message.Parts.Count);
        Assert.Equal(first, AudioOf(message, message.Parts[0]));
        Assert.Equal(second, AudioOf(message, message.Parts[1]));
        Assert.Null(message.Parts[0].Text);
        Assert.Null(message.Parts[1].Text);
        Assert.Equal("Visible answer.", message.Parts[2].Text);
        Assert.Equal("Also visible.", message.Parts[3].Text);
        Assert.Equal(first.Concat(second).ToArray(), message.Audio.ToArray());
    }

    [Fact]
    public void PrettyPrintedJson_ParsesTheSameAsCompact()
    {
        var audio = Bytes(1920, seed: 4);
        var indented = GeminiMessages.Audio(audio, outputTranscript: "Hi, how can I help?"); // the mock writes indented, like the service
        Assert.Contains("\n", indented, StringComparison.Ordinal);
        var compact = JsonSerializer.Serialize(JsonDocument.Parse(indented).RootElement);
        Assert.DoesNotContain("\n", compact, StringComparison.Ordinal);
        var crlfTabs = indented.Replace("\n", "\r\n", StringComparison.Ordinal).Replace("  ", "\t", StringComparison.Ordinal);

        var expected = Snapshot(Parse(compact));

        Assert.Equal(expected, Snapshot(Parse(indented)));
        Assert.Equal(expected, Snapshot(Parse(crlfTabs)));
        Assert.Contains(Convert.ToBase64String(audio), expected, StringComparison.Ordinal);
        Assert.Contains("Hi, how can I help?", expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Base64_WithJsonEscapedSlashAndPlus_DecodesToTheOriginalBytes()
    {
        // 0xFB 0xFF 0xBF encodes as "+/+/", so the payload is full of both characters.
        var audio = Enumerable.Repeat(new byte[] { 0xFB, 0xFF, 0xBF }, 200).SelectMany(b => b).Concat(Bytes(301, seed: 5)).ToArray();
        var base64 = Convert.ToBase64String(audio);
        Assert.Contains("+", base64, StringComparison.Ordinal);
        Assert.Contains("/", base64, StringComparison.Ordinal);
        var escaped = base64.Replace("/", "\\/", StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal);
        var json = Fill("""{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"@0@"}}]}}}""", escaped);

        var message = Parse(json);

        var part = Assert.Single(message.Parts);
        Assert.Equal(audio, AudioOf(message, part));
    }

    [Fact]
    public void MimeType_WithJsonEscapedSlash_IsStillAudio()
    {
        var audio = Bytes(480, seed: 14);
        var json = Fill("""{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio\/pcm;rate=24000","data":"@0@"}}]}}}""", Convert.ToBase64String(audio));

        var message = Parse(json);

        var part = Assert.Single(message.Parts);
        Assert.Equal(audio, AudioOf(message, part));
    }

    [Fact]
    public void UnknownKeys_AtEveryLevel_AreSkippedAndLaterFieldsStillRead()
    {
        var audio = Bytes(640, seed: 6);
        var json = Fill("""
            {
              "voiceActivity": { "type": "ACTIVITY_START", "audioOffset": "1.2s" },
              "toolCall": { "functionCalls": [ { "id": "function-call-1", "name": "get_weather", "args": { "city": "Oslo", "nested": [[1, 2], { "a": null }] } } ] },
              "somethingNew": [ 1, "two", { "three": [ true, false, null ] } ],
              "aScalar": 42,
              "aNull": null,
              "serverContent": {
                "groundingMetadata": { "webSearchQueries": [ "weather oslo" ], "groundingChunks": [ { "web": { "uri": "https://x", "title": "t" } } ] },
                "turnCompleteReason": "NEED_MORE_INPUT",
                "waitingForInput": true,
                "interimInputTranscription": { "text": "partial" },
                "somethingNewer": { "deep": { "deeper": [ { "text": "not a transcript" } ] } },
                "modelTurn": {
                  "role": "model",
                  "unknownInTurn": { "parts": [ { "text": "decoy" } ] },
                  "parts": [
                    { "thoughtSignature": "c2lnbmF0dXJl", "executableCode": { "language": "PYTHON", "code": "print(1)" } },
                    { "inlineData": { "displayName": "x", "mimeType": "audio/pcm;rate=24000", "extra": { "a": [ 1 ] }, "data": "@0@" } }
                  ]
                },
                "outputTranscription": { "speakerLabel": { "id": 1 }, "text": "after unknowns" },
                "interrupted": true
              },
              "sessionResumptionUpdate": { "lastConsumedClientMessageIndex": "12", "newHandle": "Cj0handle", "resumable": true }
            }
            """, Convert.ToBase64String(audio));

        var message = Parse(json);

        var part = Assert.Single(message.Parts);
        Assert.Equal(audio, AudioOf(message, part));
        Assert.Equal("after unknowns", message.OutputTranscript);
        Assert.Null(message.InputTranscript);
        Assert.True(message.Interrupted);
        Assert.Equal(new ResumptionUpdate("Cj0handle", true), message.Resumption);
        Assert.False(message.TurnComplete);
    }

    [Fact]
    public void InlineData_NotAudio_IsNotReportedAsAudio()
    {
        var image = Bytes(300, seed: 7);
        var audio = Bytes(480, seed: 8);
        var json = Fill("""
            {"serverContent":{"modelTurn":{"parts":[
              {"inlineData":{"mimeType":"image/png","data":"@0@"}},
              {"inlineData":{"data":"@1@","mimeType":"image/png"}},
              {"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"@2@"}}
            ]}}}
            """, Convert.ToBase64String(image), Convert.ToBase64String(image), Convert.ToBase64String(audio));

        var message = Parse(json);

        var part = Assert.Single(message.Parts);
        Assert.Equal(audio, AudioOf(message, part));
        Assert.Equal(audio, message.Audio.ToArray());
    }

    [Fact]
    public void InlineData_OnlyImage_LeavesNoAudio()
    {
        var json = Fill("""{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"image/png","data":"@0@"}}]}}}""", Convert.ToBase64String(Bytes(100, seed: 9)));

        var message = Parse(json);

        Assert.Empty(message.Parts);
        Assert.True(message.Audio.IsEmpty);
    }

    [Theory]
    [InlineData("50s", 50_000.0)]
    [InlineData("1.5s", 1_500.0)]
    [InlineData("10s", 10_000.0)]
    [InlineData("abc", null)]
    [InlineData("50", null)]
    [InlineData("-5s", null)]
    public void GoAway_TimeLeft_ParsedAsProtobufDuration(string timeLeft, double? expectedMilliseconds)
    {
        var message = Parse(GeminiMessages.GoAway(timeLeft));

        Assert.NotNull(message.GoAway);
        Assert.Equal(expectedMilliseconds, message.GoAway.TimeLeft?.TotalMilliseconds);
        Assert.Empty(message.Parts);
    }

    [Fact]
    public void GoAway_WithoutTimeLeft_IsStillReported()
    {
        var message = Parse("""{"goAway":{}}""");

        Assert.NotNull(message.GoAway);
        Assert.Null(message.GoAway.TimeLeft);
    }

    [Fact]
    public void SessionResumptionUpdate_HandleAndResumable_Read()
    {
        var message = Parse(GeminiMessages.ResumptionUpdate("CjsKGnNlc3Npb24taGFuZGxl", resumable: true));

        Assert.Equal(new ResumptionUpdate("CjsKGnNlc3Npb24taGFuZGxl", true), message.Resumption);
    }

    [Fact]
    public void SessionResumptionUpdate_EmptyHandle_BecomesNull()
    {
        var message = Parse("""{"sessionResumptionUpdate":{"newHandle":"","resumable":false}}""");

        Assert.Equal(new ResumptionUpdate(null, false), message.Resumption);
    }

    [Fact]
    public void Interrupted_True_IsReported()
    {
        var message = Parse(GeminiMessages.Interrupted());

        Assert.True(message.Interrupted);
        Assert.False(message.TurnComplete);
        Assert.False(message.GenerationComplete);
    }

    [Fact]
    public void Flags_ExplicitlyFalse_StayFalse()
    {
        var message = Parse("""{"serverContent":{"interrupted":false,"turnComplete":false,"generationComplete":false}}""");

        Assert.False(message.Interrupted);
        Assert.False(message.TurnComplete);
        Assert.False(message.GenerationComplete);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"setupComplete\":{}}]")]
    [InlineData("5")]
    [InlineData("\"setupComplete\"")]
    [InlineData("null")]
    public void NotAnObject_ThrowsJsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => Parse(json));

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"setupComplete\":{}")]
    [InlineData("{\"serverContent\":{\"turnComplete\":true")]
    [InlineData("{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm\",\"data\":\"AAAA")]
    [InlineData("{\"goAway\":{\"timeLeft\":\"50s\"")]
    public void TruncatedJson_ThrowsJsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => Parse(json));

    [Theory]
    [InlineData("@@@@")]
    [InlineData("AA==AA==")]
    public void AudioData_NotBase64_ThrowsJsonException(string data) =>
        Assert.ThrowsAny<JsonException>(() => Parse(Fill("""{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"@0@"}}]}}}""", data)));

    [Fact]
    public void SecondMessage_OnTheSameInstance_DoesNotLeakTheFirst()
    {
        var message = new GeminiServerMessage();
        var firstAudio = Bytes(1920, seed: 10);
        var first = Fill("""
            {"serverContent":{"modelTurn":{"parts":[
               {"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"@0@"}},
               {"text":"visible"}]},
             "inputTranscription":{"text":"in"},"outputTranscription":{"text":"out"},
             "generationComplete":true,"interrupted":true,"turnComplete":true},
             "setupComplete":{},
             "goAway":{"timeLeft":"5s"},
             "sessionResumptionUpdate":{"newHandle":"h","resumable":true}}
            """, Convert.ToBase64String(firstAudio));
        Parse(first, message);
        Assert.Equal(2, message.Parts.Count); // the first message was really read

        Parse("""{"serverContent":{"turnComplete":true}}""", message);

        Assert.True(message.TurnComplete);
        Assert.False(message.SetupComplete);
        Assert.False(message.GenerationComplete);
        Assert.False(message.Interrupted);
        Assert.Null(message.InputTranscript);
        Assert.Null(message.OutputTranscript);
        Assert.Null(message.GoAway);
        Assert.Null(message.Resumption);
        Assert.Empty(message.Parts);
        Assert.True(message.Audio.IsEmpty);

        var secondAudio = Bytes(480, seed: 11);
        Parse(GeminiMessages.Audio(secondAudio), message);

        var part = Assert.Single(message.Parts);
        Assert.Equal(0, part.AudioStart);
        Assert.Equal(secondAudio, message.Audio.ToArray());
        Assert.False(message.TurnComplete);
    }

    [Fact]
    public void FailedParse_ThenValidParse_StartsClean()
    {
        var message = new GeminiServerMessage();
        Assert.ThrowsAny<JsonException>(() => Parse("""{"serverContent":{"outputTranscription":{"text":"partial"},"turnComplete":true,"modelTurn":{"parts":[""", message));

        Parse("""{"setupComplete":{}}""", message);

        Assert.True(message.SetupComplete);
        Assert.Null(message.OutputTranscript);
        Assert.False(message.TurnComplete);
    }

    [Fact]
    public void AudioBiggerThanTheInitialBuffer_IsDecodedWhole()
    {
        var audio = Bytes(64 * 1024 + 6, seed: 12);

        var message = Parse(GeminiMessages.Audio(audio));

        Assert.Equal(audio, AudioOf(message, Assert.Single(message.Parts)));
    }

    [Fact]
    public void AudioOnlyChunk_AfterWarmUp_AllocatesNothing()
    {
        var json = Encoding.UTF8.GetBytes(GeminiMessages.Audio(Bytes(1920, seed: 13))); // 40 ms at 24 kHz
        var message = new GeminiServerMessage();
        var allocated = Allocations.SteadyState(() => GeminiServerMessageParser.Parse(json, message));

        Assert.Equal(1920, message.Audio.Length); // it really parsed
        Assert.Equal(0, allocated);
    }

    private static GeminiServerMessage Parse(string json, GeminiServerMessage? message = null)
    {
        message ??= new GeminiServerMessage();
        GeminiServerMessageParser.Parse(Encoding.UTF8.GetBytes(json), message);
        return message;
    }

    private static byte[] AudioOf(GeminiServerMessage message, GeminiServerMessage.ModelPart part) =>
        message.Audio.Slice(part.AudioStart, part.AudioLength).ToArray();

    private static byte[] Bytes(int count, int seed)
    {
        var data = new byte[count];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Everything a parse produced, as one comparable string.</summary>
    private static string Snapshot(GeminiServerMessage m) =>
        string.Join('|',
            m.SetupComplete, m.InputTranscript, m.OutputTranscript, m.GenerationComplete, m.Interrupted, m.TurnComplete,
            m.GoAway, m.Resumption,
            string.Join(',', m.Parts.Select(p => p.Text ?? Convert.ToBase64String(AudioOf(m, p)))));

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
