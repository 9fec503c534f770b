using System.Text;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Tests.Vertex;

/// <summary>What Vertex AI sends differently (protocol reference 4.1, 4.7): a session id in setupComplete, candidates* usage names.</summary>
public sealed class VertexServerMessageTests
{
    [Fact]
    public void SetupComplete_VertexSessionId_IsRead()
    {
        var message = Parse("{\n  \"setupComplete\": {\n    \"sessionId\": \"f162d11d-6c1f-4c1e-9a57-2b8e4f0b1a3c\"\n  }\n}");

        Assert.True(message.SetupComplete);
        Assert.Equal("f162d11d-6c1f-4c1e-9a57-2b8e4f0b1a3c", message.SessionId);
    }

    [Theory]
    [InlineData("""{"setupComplete":{}}""")]
    [InlineData("""{"setupComplete":{"sessionId":""}}""")]
    [InlineData("""{"setupComplete":{"sessionId":7,"voiceConsentSignature":{"a":[1]}}}""")]
    public void SetupComplete_WithoutASessionId_HasNone(string json)
    {
        var message = Parse(json);

        Assert.True(message.SetupComplete);
        Assert.Null(message.SessionId);
    }

    [Fact]
    public void SessionId_DoesNotLeakIntoTheNextMessage()
    {
        var message = new GeminiServerMessage();
        GeminiServerMessageParser.Parse("""{"setupComplete":{"sessionId":"s-1"}}"""u8, message);

        GeminiServerMessageParser.Parse("""{"serverContent":{"turnComplete":true}}"""u8, message);

        Assert.Null(message.SessionId);
    }

    [Fact]
    public void Usage_VertexSpelling_IsReadAsResponseTokens()
    {
        var message = Parse("""
            {"usageMetadata":{"promptTokenCount":"100","candidatesTokenCount":"40","totalTokenCount":140,"trafficType":"ON_DEMAND",
              "promptTokensDetails":[{"modality":"AUDIO","tokenCount":90}],"candidatesTokensDetails":[{"modality":"AUDIO","tokenCount":"40"}]}}
            """);

        var usage = Assert.IsType<Usage>(message.Usage);
        Assert.Equal(100, usage.PromptTokens);
        Assert.Equal(40, usage.ResponseTokens);
        Assert.Equal(140, usage.TotalTokens);
        Assert.Equal(90, usage.PromptByModality["AUDIO"]);
        Assert.Equal(40, usage.ResponseByModality["AUDIO"]);
    }

    private static GeminiServerMessage Parse(string json)
    {
        var message = new GeminiServerMessage();
        GeminiServerMessageParser.Parse(Encoding.UTF8.GetBytes(json), message);
        return message;
    }
}
