using System.ComponentModel.DataAnnotations;

namespace GeminiLiveRelay.Gemini;

/// <summary>Settings of the upstream Gemini Live connection (configuration section <c>Gemini</c>).</summary>
internal sealed partial class GeminiOptions
{
    public const string SectionName = "Gemini";

    /// <summary>The current GA Live model (protocol reference, section 8.1).</summary>
    public const string DefaultModel = "gemini-3.8-live";

    /// <summary>
    /// The API key. Bound from <c>Gemini:ApiKey</c> (<c>Gemini__ApiKey</c>) or, when that is empty, from the
    /// <c>GEMINI_API_KEY</c> environment variable. Sent only as the <c>x-goog-api-key</c> header.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary><c>gemini</c>, <c>echo</c>, or empty to choose at start-up (see <see cref="GeminiBackend"/>).</summary>
    public string? Backend { get; set; }

    /// <summary>
    /// HTTP(S) base URL of the service; <c>http</c> becomes <c>ws</c>, <c>https</c> becomes <c>wss</c>. Unset (or
    /// empty): the platform's own host (see <see cref="ResolveBaseUrl"/>). When set it replaces the host on both
    /// platforms (a proxy, or the mock in tests).
    /// </summary>
    public Uri? BaseUrl { get; set; }

    [Required]
    [RegularExpression("^v[0-9]+[a-z0-9]*$", ErrorMessage = "Gemini:ApiVersion must look like v1, v1beta or v1alpha.")]
    public string ApiVersion { get; set; } = "v1";

    /// <summary>Model id without the <c>models/</c> prefix (the relay adds it); a full <c>models/...</c> name is kept.</summary>
    [Required]
    public string Model { get; set; } = DefaultModel;

    /// <summary>Prebuilt voice name, e.g. <c>Kore</c>; empty leaves the model's default voice.</summary>
    public string? Voice { get; set; }

    /// <summary>System instruction text sent in <c>setup.systemInstruction</c>; empty sends none.</summary>
    public string? SystemInstruction { get; set; }

    /// <summary>Time allowed for the WebSocket connect plus <c>setupComplete</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Gemini:SetupTimeout must be between 100 ms and 5 minutes.")]
    public TimeSpan SetupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The backend chosen at start-up from <see cref="Backend"/>, the key and the environment.</summary>
    public GeminiBackend? EffectiveBackend { get; set; }

    /// <summary><see cref="Model"/> as <c>setup.model</c> wants it on the configured platform.</summary>
    public string ModelResourceName => ModelResourceNameFor(Model);

    /// <summary>The system instruction text: the file's contents when <see cref="SystemInstructionFile"/> is set.</summary>
    public string? ResolvedSystemInstruction { get; set; }

    /// <summary>
    /// <c>{base}/ws/google.ai.generativelanguage.{ApiVersion}.GenerativeService.BidiGenerateContent</c> (Developer API)
    /// or <c>{base}/ws/google.cloud.aiplatform.{ApiVersion}.LlmBidiService/BidiGenerateContent</c> (Vertex AI: a '/'
    /// before the method), with the scheme mapped to ws/wss and any path prefix of the base URL kept. No credential is
    /// ever part of it.
    /// </summary>
    public Uri BuildServiceUri()
    {
        var baseUrl = ResolveBaseUrl();
        var builder = new UriBuilder(baseUrl)
        {
            Scheme = baseUrl.Scheme == Uri.UriSchemeHttp ? "ws" : "wss",
            Port = baseUrl.IsDefaultPort ? -1 : baseUrl.Port,
            Query = string.Empty,
            Fragment = string.Empty,
        };
        builder.Path = builder.Path.TrimEnd('/') + (IsVertex
            ? $"/ws/google.cloud.aiplatform.{ApiVersion}.LlmBidiService/BidiGenerateContent"
            : $"/ws/google.ai.generativelanguage.{ApiVersion}.GenerativeService.BidiGenerateContent");
        return builder.Uri;
    }
}
