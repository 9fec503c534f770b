using System.ComponentModel.DataAnnotations;

namespace GeminiLiveRelay.EphemeralTokens;

/// <summary>
/// Short-lived Gemini tokens for browsers that talk to Gemini directly (configuration section
/// <c>Relay:EphemeralTokens</c>; protocol reference section 7). Off by default: the relay then never mints one.
/// </summary>
internal sealed class EphemeralTokenOptions
{
    public const string SectionName = "Relay:EphemeralTokens";

    /// <summary>Serve <c>POST /api/token</c>; when off it answers 404.</summary>
    public bool Enabled { get; set; }

    /// <summary>Sessions one token may open (resuming one does not count). Unlimited (0) is not offered: a leaked token would be too.</summary>
    [Range(1, 100, ErrorMessage = "Relay:EphemeralTokens:Uses must be between 1 and 100.")]
    public int Uses { get; set; } = 1;

    /// <summary>After this, sessions opened with the token are cut off (<c>expireTime</c>); Google allows less than 20 hours.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "19:59:00", ErrorMessage = "Relay:EphemeralTokens:ExpireAfter must be between 1 minute and 19:59:00.")]
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>No new session may start with the token after this (<c>newSessionExpireTime</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "19:59:00", ErrorMessage = "Relay:EphemeralTokens:NewSessionExpireAfter must be between 10 seconds and 19:59:00.")]
    public TimeSpan NewSessionExpireAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Tokens one user (or, anonymous, one IP address) may mint per minute.</summary>
    [Range(1, 10_000, ErrorMessage = "Relay:EphemeralTokens:RequestsPerMinute must be between 1 and 10000.")]
    public int RequestsPerMinute { get; set; } = 10;
}
