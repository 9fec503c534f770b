namespace GeminiLiveRelay.Access;

/// <summary>Where a credential travels: the Authorization header, or <c>access_token</c> for browser WebSockets.</summary>
internal static class AccessToken
{
    public static string? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Query.TryGetValue("access_token", out var token) && token.Count == 1 && !string.IsNullOrEmpty(token[0])
            ? token[0]
            : null;
    }
}
