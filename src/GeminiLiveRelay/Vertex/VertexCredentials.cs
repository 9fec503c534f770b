using System.Text.Json;
using GeminiLiveRelay.Gemini;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Vertex;

/// <summary>
/// The Google credentials behind Vertex AI connections (<c>Gemini:Platform=vertex</c> with a project): loaded once at
/// start-up from <c>Gemini:CredentialsFile</c> or Application Default Credentials, scoped to cloud-platform.
/// </summary>
/// <remarks>
/// Access tokens are cached by Google.Apis.Auth itself: one token is shared by every session; from 3¾ minutes before
/// it expires the current token is still handed out while a single background refresh runs, and callers only wait
/// when no usable token is left, and then all of them wait on that one refresh, not one after another.
/// </remarks>
internal sealed partial class VertexCredentials(IOptions<GeminiOptions> options, IHostEnvironment environment, ILogger<VertexCredentials> logger)
{
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private GoogleCredential? _credential;

    /// <summary>True when sessions authenticate with OAuth access tokens (Vertex AI with a project, Gemini backend).</summary>
    public bool Required => options.Value.EffectiveBackend == GeminiBackend.Gemini && options.Value.UsesAccessTokens;

    /// <exception cref="OptionsValidationException">No credentials were found, or they could not be read.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var file = options.Value.CredentialsFile;
        GoogleCredential credential;
        if (!string.IsNullOrWhiteSpace(file))
        {
            var path = Path.IsPathRooted(file) ? file : Path.Combine(environment.ContentRootPath, file);
            try
            {
                credential = await CredentialFactory.FromFileAsync(path, ReadCredentialType(path), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or ArgumentException or FormatException)
            {
                throw Invalid($"Gemini:CredentialsFile '{path}' could not be read as Google credentials: {ex.Message}");
            }

            Log.Loaded(logger, "Gemini:CredentialsFile " + path);
        }
        else
        {
            try
            {
                credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or FormatException)
            {
                throw Invalid(AdcSearch.Describe(ex.Message));
            }

            Log.Loaded(logger, "Application Default Credentials (" + credential.UnderlyingCredential.GetType().Name + ")");
        }

        _credential = credential.CreateScoped(Scope);
    }

    /// <summary>A valid access token (cached; refreshed by Google.Apis.Auth as described above).</summary>
    public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var credential = _credential ?? throw new InvalidOperationException("Vertex AI credentials were not loaded at start-up.");
        return ((ITokenAccess)credential).GetAccessTokenForRequestAsync(authUri: null, cancellationToken);
    }

    // CredentialFactory wants the credential type up front (loading "whatever the file says" is the deprecated,
    // unsafe path); the operator chose this file, so its own "type" field is trusted.
    private static string ReadCredentialType(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.ValueKind == JsonValueKind.Object &&
               document.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw new InvalidOperationException("the file has no \"type\" (expected e.g. \"service_account\" or \"authorized_user\").");
    }

    private static OptionsValidationException Invalid(string message) =>
        new(Options.DefaultName, typeof(GeminiOptions), [message]);

    private static partial class Log
    {
        [LoggerMessage(1301, LogLevel.Information, "Vertex AI credentials loaded from {Source}", EventName = "VertexCredentialsLoaded")]
        public static partial void Loaded(ILogger logger, string source);
    }
}
