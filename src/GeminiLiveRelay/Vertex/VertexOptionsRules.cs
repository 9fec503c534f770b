using System.Text.RegularExpressions;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Vertex;

/// <summary>
/// The start-up rules for <c>Gemini:Platform</c> and the settings that only make sense on one platform: a wrong
/// combination is refused with a sentence naming the keys, rather than surfacing later as a 1007 from Google.
/// </summary>
internal static partial class VertexOptionsRules
{
    public static void Validate(GeminiOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        var platform = options.Platform?.Trim().ToLowerInvariant();
        if (platform is not (GeminiOptions.DeveloperPlatform or GeminiOptions.VertexPlatform))
        {
            errors.Add($"Gemini:Platform must be 'developer' (Gemini Developer API) or 'vertex' (Vertex AI); got '{options.Platform}'.");
            return;
        }

        if (!options.IsVertex)
        {
            foreach (var (key, value) in new[] { ("Project", options.Project), ("Location", options.Location), ("CredentialsFile", options.CredentialsFile) })
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    errors.Add($"Gemini:{key} applies only to Vertex AI: set Gemini:Platform=vertex, or clear Gemini:{key}.");
                }
            }

            if (options.TransparentResumption)
            {
                errors.Add("Gemini:TransparentResumption is a Vertex AI feature (sessionResumption.transparent): set Gemini:Platform=vertex, or turn it off.");
            }

            return;
        }

        if (options.BaseUrl is { IsAbsoluteUri: true } baseUrl &&
            string.Equals(baseUrl.Host, GeminiOptions.DeveloperBaseUrl.Host, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Gemini:BaseUrl is the Gemini Developer API ({baseUrl}) but Gemini:Platform is vertex: leave Gemini:BaseUrl " +
                "empty so the Vertex AI host follows Gemini:Location (set it only for a proxy or a test server).");
        }

        if (options.TransparentResumption && !options.SessionResumption)
        {
            errors.Add("Gemini:TransparentResumption needs Gemini:SessionResumption=true.");
        }

        if (options.EffectiveBackend != GeminiBackend.Gemini)
        {
            return; // the echo backend needs no project or credentials
        }

        var hasKey = !string.IsNullOrWhiteSpace(options.ApiKey);
        var hasProject = !string.IsNullOrWhiteSpace(options.Project);
        if (hasKey && hasProject)
        {
            errors.Add("On Vertex AI set Gemini:Project (with Application Default Credentials) or an API key (express mode, " +
                "GEMINI_API_KEY / Gemini:ApiKey), not both.");
        }
        else if (hasKey)
        {
            ValidateExpress(options, errors);
        }
        else if (!hasProject)
        {
            errors.Add("Gemini:Platform is vertex: set Gemini:Project and Gemini:Location (credentials from Application Default " +
                "Credentials or Gemini:CredentialsFile), or an API key for Vertex AI express mode.");
        }
        else
        {
            ValidateProject(options, errors);
        }
    }

    private static void ValidateExpress(GeminiOptions options, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(options.Location))
        {
            errors.Add("Vertex AI express mode (an API key, no project) always uses aiplatform.googleapis.com: clear Gemini:Location, or set Gemini:Project for a regional endpoint.");
        }

        if (!string.IsNullOrWhiteSpace(options.CredentialsFile))
        {
            errors.Add("Gemini:CredentialsFile is not used in Vertex AI express mode (an API key): clear it, or set Gemini:Project and clear the key.");
        }
    }

    private static void ValidateProject(GeminiOptions options, List<string> errors)
    {
        if (!ProjectId().IsMatch(options.Project!.Trim()))
        {
            errors.Add($"Gemini:Project must be a Google Cloud project id such as 'my-project-123'; got '{options.Project}'.");
        }

        if (string.IsNullOrWhiteSpace(options.Location))
        {
            errors.Add("Gemini:Platform is vertex: set Gemini:Location (a region such as us-central1, 'global', or the multi-region 'us' or 'eu').");
        }
        else if (!LocationId().IsMatch(options.Location.Trim()))
        {
            errors.Add($"Gemini:Location must be a region such as us-central1, 'global', 'us' or 'eu'; got '{options.Location}'.");
        }
    }

    // Project ids are lower-case letters, digits and hyphens; legacy domain-scoped ids add "example.com:".
    [GeneratedRegex("^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,61}[a-z0-9]$")]
    private static partial Regex ProjectId();

    [GeneratedRegex("^[a-z]+(-[a-z]+[0-9]+)?$")]
    private static partial Regex LocationId();
}
