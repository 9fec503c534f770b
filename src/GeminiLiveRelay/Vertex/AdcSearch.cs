namespace GeminiLiveRelay.Vertex;

/// <summary>
/// Where Application Default Credentials are looked for, in Google.Apis.Auth's order, so that a start-up failure can
/// say exactly which places were tried and what was (not) there.
/// </summary>
internal static class AdcSearch
{
    public const string EnvironmentVariable = "GOOGLE_APPLICATION_CREDENTIALS";

    /// <summary>gcloud's file: <c>$CLOUDSDK_CONFIG</c>, else <c>%APPDATA%\gcloud</c> on Windows, <c>~/.config/gcloud</c> elsewhere.</summary>
    public static string WellKnownFile()
    {
        var folder = Environment.GetEnvironmentVariable("CLOUDSDK_CONFIG");
        if (string.IsNullOrEmpty(folder))
        {
            folder = OperatingSystem.IsWindows()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "gcloud")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "gcloud");
        }

        return Path.Combine(folder, "application_default_credentials.json");
    }

    public static string Describe(string libraryMessage)
    {
        var variable = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var wellKnown = WellKnownFile();
        return "No Google credentials for Vertex AI (Gemini:Platform=vertex with Gemini:Project). Looked in: " +
            "Gemini:CredentialsFile (not set); " +
            $"{EnvironmentVariable} ({(string.IsNullOrEmpty(variable) ? "not set" : $"'{variable}'" + (File.Exists(variable) ? "" : ", no such file"))}); " +
            $"gcloud's well-known file '{wellKnown}' ({(File.Exists(wellKnown) ? "present" : "not found")}); " +
            "then the Google Cloud metadata server (tried only when neither is there: it answers only on Google Cloud). " +
            "Set Gemini:CredentialsFile to a service-account key file, run 'gcloud auth application-default login', " +
            $"or run on Google Cloud with a service account. ({libraryMessage})";
    }
}
