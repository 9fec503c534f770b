using System.Text.Json.Nodes;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Gemini;

/// <summary>
/// Every setting's wire shape, as the mock Gemini server recorded the relay's real <c>setup</c> message: camelCase,
/// upper-case enums, speech and thinking inside generationConfig, everything else beside it, nothing unconfigured.
/// </summary>
public sealed class SetupWireShapeTests
{
    [Fact]
    public async Task FullConfiguration_MatchesTheProtocolReferenceShapeFieldByField()
    {
        var setup = await RecordSetupAsync(new()
        {
            ["Gemini:Model"] = "gemini-2.5-flash-native-audio-preview-12-2025",
            ["Gemini:Temperature"] = "0.7",
            ["Gemini:TopP"] = "0.95",
            ["Gemini:TopK"] = "40",
            ["Gemini:MaxOutputTokens"] = "1024",
            ["Gemini:Seed"] = "42",
            ["Gemini:MediaResolution"] = "low",
            ["Gemini:Voice"] = "Kore",
            ["Gemini:LanguageCode"] = "en-US",
            ["Gemini:ThinkingBudget"] = "0",
            ["Gemini:IncludeThoughts"] = "false",
            ["Gemini:AffectiveDialog"] = "true",
            ["Gemini:SystemInstruction"] = "You are a helpful assistant.",
            ["Gemini:Tools:0"] = "get_current_time",
            ["Gemini:ToolBehavior"] = "non_blocking",
            ["Gemini:GoogleSearch"] = "true",
            ["Gemini:UrlContext"] = "true",
            ["Gemini:AutomaticActivityDetection"] = "true",
            ["Gemini:StartSensitivity"] = "LOW",
            ["Gemini:EndSensitivity"] = "END_SENSITIVITY_LOW",
            ["Gemini:PrefixPaddingMs"] = "20",
            ["Gemini:SilenceDurationMs"] = "500",
            ["Gemini:ActivityHandling"] = "interrupt",
            ["Gemini:TurnCoverage"] = "only_activity",
            ["Gemini:ProactiveAudio"] = "true",
            ["Gemini:SafetySettings:HARASSMENT"] = "BLOCK_ONLY_HIGH",
            ["Gemini:CompressionTriggerTokens"] = "25600",
            ["Gemini:CompressionTargetTokens"] = "12800",
        });

        // The protocol reference's full example (section 3.1), restricted to what the relay configures.
        var expected = JsonNode.Parse("""
            {
              "model": "models/gemini-2.5-flash-native-audio-preview-12-2025",
              "generationConfig": {
                "responseModalities": ["AUDIO"],
                "temperature": 0.7, "topP": 0.95, "topK": 40, "maxOutputTokens": 1024, "seed": 42,
                "mediaResolution": "MEDIA_RESOLUTION_LOW",
                "speechConfig": { "voiceConfig": { "prebuiltVoiceConfig": { "voiceName": "Kore" } }, "languageCode": "en-US" },
                "thinkingConfig": { "thinkingBudget": 0, "includeThoughts": false },
                "enableAffectiveDialog": true
              },
              "systemInstruction": { "parts": [ { "text": "You are a helpful assistant." } ], "role": "user" },
              "tools": [
                { "functionDeclarations": [ { "name": "get_current_time", "description": "__any__", "parameters": "__any__", "behavior": "NON_BLOCKING" } ] },
                { "googleSearch": {} },
                { "urlContext": {} }
              ],
              "realtimeInputConfig": {
                "automaticActivityDetection": {
                  "disabled": false,
                  "startOfSpeechSensitivity": "START_SENSITIVITY_LOW",
                  "endOfSpeechSensitivity": "END_SENSITIVITY_LOW",
                  "prefixPaddingMs": 20,
                  "silenceDurationMs": 500
                },
                "activityHandling": "START_OF_ACTIVITY_INTERRUPTS",
                "turnCoverage": "TURN_INCLUDES_ONLY_ACTIVITY"
              },
              "sessionResumption": {},
              "contextWindowCompression": { "triggerTokens": "25600", "slidingWindow": { "targetTokens": "12800" } },
              "inputAudioTranscription": {},
              "outputAudioTranscription": {},
              "proactivity": { "proactiveAudio": true },
              "safetySettings": [ { "category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH" } ]
            }
            """)!.AsObject();

        var declaration = setup["tools"]![0]!["functionDeclarations"]![0]!.AsObject();
        Assert.Equal("OBJECT", (string?)declaration["parameters"]!["type"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)declaration["description"]));
        declaration["description"] = "__any__";
        declaration["parameters"] = "__any__";
        AssertSameJson(expected, setup);
    }

    [Fact]
    public async Task Defaults_SendOnlyTheMinimalSetupOfTheOfficialSdk()
    {
        var setup = await RecordSetupAsync([]);

        AssertSameJson(JsonNode.Parse("""
            {"model":"models/gemini-3.8-live","generationConfig":{"responseModalities":["AUDIO"]},
             "sessionResumption":{},"contextWindowCompression":{"slidingWindow":{}},
             "inputAudioTranscription":{},"outputAudioTranscription":{}}
            """)!, setup);
    }

    [Fact]
    public async Task ThinkingLevel_AndIncludeThoughts_GoInsideGenerationConfig()
    {
        var setup = await RecordSetupAsync(new() { ["Gemini:ThinkingLevel"] = "minimal", ["Gemini:IncludeThoughts"] = "true" });

        AssertSameJson(JsonNode.Parse("""{"thinkingLevel":"MINIMAL","includeThoughts":true}""")!, setup["generationConfig"]!["thinkingConfig"]!);
        Assert.Null(setup["thinkingConfig"]);
    }

    [Fact]
    public async Task TranscriptionOff_AndNoInterruption_AreSentAsConfigured()
    {
        var setup = await RecordSetupAsync(new()
        {
            ["Gemini:InputTranscription"] = "false",
            ["Gemini:OutputTranscription"] = "false",
            ["Gemini:ActivityHandling"] = "NO_INTERRUPTION",
            ["Gemini:AutomaticActivityDetection"] = "false",
        });

        Assert.Null(setup["inputAudioTranscription"]);
        Assert.Null(setup["outputAudioTranscription"]);
        AssertSameJson(JsonNode.Parse("""{"automaticActivityDetection":{"disabled":true},"activityHandling":"NO_INTERRUPTION"}""")!,
            setup["realtimeInputConfig"]!);
    }

    [Fact]
    public async Task SystemInstructionFile_IsReadAtStartUp()
    {
        var path = Path.Combine(Path.GetTempPath(), $"instruction-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, "Answer like a pirate.\nKeep it short.");
        try
        {
            var setup = await RecordSetupAsync(new() { ["Gemini:SystemInstructionFile"] = path, ["Gemini:SystemInstruction"] = "ignored" });

            Assert.Equal("Answer like a pirate.\nKeep it short.", (string?)setup["systemInstruction"]!["parts"]![0]!["text"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AllowedQueryChoices_ReachTheSetup()
    {
        var setup = await RecordSetupAsync(
            new()
            {
                ["Gemini:AllowedVoices:0"] = "Puck",
                ["Gemini:AllowedVoices:1"] = "Charon",
                ["Gemini:AllowedModels:0"] = "gemini-3.1-flash-live-preview",
                ["Relay:AllowClientSystemInstruction"] = "true",
            },
            "voice=Charon&language=de-DE&vad=manual&transcripts=off&model=gemini-3.1-flash-live-preview&systemInstruction=Sprich+Deutsch.");

        AssertSameJson(JsonNode.Parse("""
            {
              "model": "models/gemini-3.1-flash-live-preview",
              "generationConfig": {
                "responseModalities": ["AUDIO"],
                "speechConfig": { "voiceConfig": { "prebuiltVoiceConfig": { "voiceName": "Charon" } }, "languageCode": "de-DE" }
              },
              "systemInstruction": { "parts": [ { "text": "Sprich Deutsch." } ], "role": "user" },
              "realtimeInputConfig": { "automaticActivityDetection": { "disabled": true } },
              "sessionResumption": {},
              "contextWindowCompression": { "slidingWindow": {} }
            }
            """)!, setup);
    }

    private static async Task<JsonObject> RecordSetupAsync(Dictionary<string, string?> settings, string query = "")
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        await using var relay = new RelayApplication(mock.BaseUrl, settings);
        await using var client = await LiveClient.ConnectAsync(relay.LiveUri(query), ct);
        await client.WaitForEventAsync("ready", ct);
        var connection = mock.Connections.Single();
        Assert.Empty(connection.Violations);
        return connection.Setup!;
    }

    private static void AssertSameJson(JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
}
