namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>
/// How the container image publishes and starts the relay. The smoke test does exactly this, and
/// <see cref="DockerfileConsistencyTests"/> holds the Dockerfile to it, so the two cannot drift apart.
/// </summary>
internal static class PublishedImage
{
    /// <summary><c>dotnet</c> + these + <c>-o &lt;folder&gt;</c> is the Dockerfile's publish command.</summary>
    public static readonly string[] PublishArguments =
        ["publish", "src/GeminiLiveRelay/GeminiLiveRelay.csproj", "-c", "Release", "--no-restore"];

    public const string RuntimeImage = "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled";
    public const string WorkDir = "/app";
    public const string Environment = "Production";
    public const int Port = 8080;

    /// <summary>The .NET images' non-root user, by number (<c>APP_UID</c>), which Kubernetes can check.</summary>
    public const string User = "$APP_UID";
    public const long UserId = 1654;

    public static readonly string[] Entrypoint = ["dotnet", "GeminiLiveRelay.dll"];

    /// <summary>The environment the image sets (<c>ENV</c>), with the port the smoke test picked.</summary>
    public static Dictionary<string, string> ImageEnvironment(int port) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = Environment,
        ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
