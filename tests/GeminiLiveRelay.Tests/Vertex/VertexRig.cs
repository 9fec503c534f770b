using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;

namespace GeminiLiveRelay.Tests.Vertex;

/// <summary>
/// A relay on <c>Gemini:Platform=vertex</c> with a project, a generated service-account file, the mock OAuth token
/// endpoint, and the mock Gemini (as Vertex AI, via <c>Gemini:BaseUrl</c>) accepting only live tokens it issued.
/// </summary>
public sealed class VertexRig : IAsyncDisposable
{
    public const string Project = "test-project";
    public const string Location = "us-central1";
    public const string ServicePath = "/ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContent";

    private VertexRig(MockOAuthServer oauth, ServiceAccountFile account, MockGeminiServer gemini, RelayApplication relay)
    {
        OAuth = oauth;
        Account = account;
        Gemini = gemini;
        Relay = relay;
    }

    public MockOAuthServer OAuth { get; }

    public ServiceAccountFile Account { get; }

    public MockGeminiServer Gemini { get; }

    public RelayApplication Relay { get; }

    public static string ModelName(string model = "gemini-3.8-live") =>
        $"projects/{Project}/locations/{Location}/publishers/google/models/{model}";

    public static async Task<VertexRig> StartAsync(
        CancellationToken cancellationToken, Dictionary<string, string?>? settings = null, Action<MockOAuthServer>? configureOAuth = null)
    {
        var oauth = await MockOAuthServer.StartAsync(cancellationToken);
        configureOAuth?.Invoke(oauth);
        var account = ServiceAccountFile.Create(oauth.TokenUri);
        var gemini = await MockGeminiServer.StartAsync(cancellationToken);
        gemini.AuthorizationCheck = oauth.IsValid;
        var all = new Dictionary<string, string?>
        {
            ["Gemini:ApiKey"] = string.Empty,
            ["Gemini:Platform"] = "vertex",
            ["Gemini:Project"] = Project,
            ["Gemini:Location"] = Location,
            // Injected per host, never through GOOGLE_APPLICATION_CREDENTIALS: tests run in parallel in one process.
            ["Gemini:CredentialsFile"] = account.Path,
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return new VertexRig(oauth, account, gemini, new RelayApplication(gemini.BaseUrl, all));
    }

    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        await Gemini.DisposeAsync();
        await OAuth.DisposeAsync();
        Account.Dispose();
    }
}
