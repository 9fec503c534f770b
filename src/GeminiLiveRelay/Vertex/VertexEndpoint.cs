namespace GeminiLiveRelay.Vertex;

/// <summary>
/// Vertex AI's host and model names, by the rules of the official SDKs (protocol reference 1.3): the host follows the
/// location, and <c>setup.model</c> must be a full resource name (the SDKs expand a bare id the same way).
/// </summary>
internal static class VertexEndpoint
{
    public const string GlobalHost = "aiplatform.googleapis.com";

    /// <summary>
    /// <c>{location}-aiplatform.googleapis.com</c> for a region; <c>aiplatform.googleapis.com</c> for <c>global</c> (and
    /// express mode, which has no location); the multi-regions <c>us</c>/<c>eu</c> have their own <c>rep</c> hosts.
    /// </summary>
    public static string Host(string? location) => location?.ToLowerInvariant() switch
    {
        null or "" or "global" => GlobalHost,
        "us" or "eu" => $"aiplatform.{location.ToLowerInvariant()}.rep.googleapis.com",
        _ => $"{location.ToLowerInvariant()}-aiplatform.googleapis.com",
    };

    /// <summary>
    /// <c>publishers/google/models/{id}</c> for a bare id; <c>{publisher}/{id}</c> becomes
    /// <c>publishers/{publisher}/models/{id}</c>; a Developer-API style <c>models/{id}</c> is Google's model; names
    /// that already start with <c>publishers/</c> or <c>projects/</c> are kept.
    /// </summary>
    public static string PublisherModel(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.StartsWith("publishers/", StringComparison.Ordinal) || model.StartsWith("projects/", StringComparison.Ordinal))
        {
            return model;
        }

        if (model.StartsWith("models/", StringComparison.Ordinal))
        {
            return "publishers/google/models/" + model["models/".Length..];
        }

        var slash = model.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? "publishers/google/models/" + model
            : $"publishers/{model[..slash]}/models/{model[(slash + 1)..]}";
    }

    /// <summary><c>projects/{project}/locations/{location}/publishers/…/models/{id}</c>; a <c>projects/…</c> name is kept.</summary>
    public static string ModelResourceName(string model, string project, string location)
    {
        var publisherModel = PublisherModel(model);
        return publisherModel.StartsWith("projects/", StringComparison.Ordinal)
            ? publisherModel
            : $"projects/{project}/locations/{location}/{publisherModel}";
    }
}
