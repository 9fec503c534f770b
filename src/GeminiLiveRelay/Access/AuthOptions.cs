namespace GeminiLiveRelay.Access;

/// <summary>Who may open <c>/live</c> sessions (configuration section <c>Relay:Auth</c>).</summary>
internal sealed class AuthOptions
{
    public const string SectionName = "Relay:Auth";

    /// <summary>
    /// <c>none</c>, <c>jwt</c> or <c>keys</c>. Defaults to <c>none</c> in Development only; elsewhere it must be set
    /// explicitly (start-up fails otherwise: fail closed).
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>JWT bearer validation (<c>Mode = jwt</c>).</summary>
    public JwtSettings Jwt { get; set; } = new();

    /// <summary>Named static access keys (<c>Mode = keys</c>), for small deployments.</summary>
    public List<AccessKey> Keys { get; set; } = [];

    /// <summary>The mode after defaults: null when it was required and missing, or unknown.</summary>
    public AuthMode? EffectiveMode { get; set; }
}

internal enum AuthMode
{
    None,
    Jwt,
    Keys,
}

internal sealed class JwtSettings
{
    /// <summary>OIDC authority (issuer metadata and signing keys are discovered from it).</summary>
    public string? Authority { get; set; }

    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>Symmetric signing key (HS256), at least 32 bytes; for issuers without an OIDC authority.</summary>
    public string? SigningKey { get; set; }
}

internal sealed class AccessKey
{
    /// <summary>Who the key belongs to: the user id in logs and limits.</summary>
    public string Name { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;
}
