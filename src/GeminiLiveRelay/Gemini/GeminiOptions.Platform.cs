using GeminiLiveRelay.Vertex;

namespace GeminiLiveRelay.Gemini;

// Which Google service answers: the Gemini Developer API (an API key) or Vertex AI (a project's OAuth credentials, or
// an API key in express mode). Protocol reference 1.1 and 1.3.
internal sealed partial class GeminiOptions
{
    public const string DeveloperPlatform = "developer";
    public const string VertexPlatform = "vertex";

    /// <summary>The Developer API's host, used when <see cref="BaseUrl"/> is unset on that platform.</summary>
    public static readonly Uri DeveloperBaseUrl = new("https://generativelanguage.googleapis.com");

    /// <summary><c>developer</c> (Gemini Developer API, the default) or <c>vertex</c> (Vertex AI).</summary>
    public string Platform { get; set; } = DeveloperPlatform;

    /// <summary>Vertex AI: the Google Cloud project id (credentials come from ADC). Leave empty for express mode.</summary>
    public string? Project { get; set; }

    /// <summary>Vertex AI: a region such as <c>us-central1</c>, <c>global</c>, or the multi-regions <c>us</c> / <c>eu</c>.</summary>
    public string? Location { get; set; }

    /// <summary>
    /// Vertex AI: a credentials JSON file (service-account key, or <c>gcloud auth application-default login</c>
    /// output). Empty: Application Default Credentials' own search (GOOGLE_APPLICATION_CREDENTIALS, gcloud's
    /// well-known file, the metadata server on Google Cloud).
    /// </summary>
    public string? CredentialsFile { get; set; }

    /// <summary>Vertex AI only: <c>sessionResumption.transparent</c> (updates also carry the last consumed message index).</summary>
    public bool TransparentResumption { get; set; }

    public bool IsVertex => string.Equals(Platform?.Trim(), VertexPlatform, StringComparison.OrdinalIgnoreCase);

    /// <summary>Vertex AI with an API key and no project: the key goes in <c>x-goog-api-key</c>, no OAuth.</summary>
    public bool IsVertexExpress => IsVertex && !string.IsNullOrWhiteSpace(ApiKey) && string.IsNullOrWhiteSpace(Project);

    /// <summary>Vertex AI with a project: every connection carries an OAuth access token from ADC.</summary>
    public bool UsesAccessTokens => IsVertex && !IsVertexExpress;

    /// <summary>
    /// <see cref="BaseUrl"/> when set, else the platform's host (for Vertex, derived from the location). A method, not a
    /// property: data-annotation validation reads every property, before the location has been checked.
    /// </summary>
    public Uri ResolveBaseUrl() => BaseUrl ?? (IsVertex
        ? new Uri("https://" + VertexEndpoint.Host(IsVertexExpress ? null : Location?.Trim()))
        : DeveloperBaseUrl);

    /// <summary>
    /// A model id as <c>setup.model</c> wants it: <c>models/{id}</c> on the Developer API; on Vertex
    /// <c>projects/{project}/locations/{location}/publishers/google/models/{id}</c>, or
    /// <c>publishers/google/models/{id}</c> in express mode.
    /// </summary>
    public string ModelResourceNameFor(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!IsVertex)
        {
            return GeminiSetupBuilder.ModelResourceName(model);
        }

        return IsVertexExpress
            ? VertexEndpoint.PublisherModel(model)
            : VertexEndpoint.ModelResourceName(model, Project?.Trim() ?? string.Empty, Location?.Trim() ?? string.Empty);
    }
}
