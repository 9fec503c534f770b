using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Opaque, signed and encrypted, expiring tokens that let a browser resume its conversation on any relay instance:
/// they carry Gemini's resumption handle and the model (a session resumes only on the same model). ASP.NET Core
/// Data Protection does the cryptography; replicas share keys through <c>Relay:DataProtectionKeysPath</c>.
/// </summary>
internal sealed class ResumeTokens(IDataProtectionProvider provider, IOptions<RelayOptions> options, TimeProvider time)
{
    private const string Version = "v2";
    private readonly IDataProtector _protector = provider.CreateProtector("GeminiLiveRelay.ResumeToken.v1");
    private readonly TimeSpan _lifetime = options.Value.ResumeTokenLifetime;

    public TimeSpan Lifetime => _lifetime;

    /// <param name="user">The signed-in user the conversation belongs to; empty when sign-in is off.</param>
    public string Create(string model, string handle, string user)
    {
        var expires = time.GetUtcNow().Add(_lifetime).ToUnixTimeSeconds();
        var payload = string.Join('\n', Version, expires.ToString(System.Globalization.CultureInfo.InvariantCulture), user, model, handle);
        return _protector.Protect(payload);
    }

    /// <summary>Reads a token; returns an error sentence (tampered, expired) or null with the model and handle.</summary>
    /// <param name="user">Who presents it: a token issued to another signed-in user is refused.</param>
    public string? TryRead(string token, string user, out string model, out string handle)
    {
        model = handle = string.Empty;
        string payload;
        try
        {
            payload = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return "The resume token is not valid (it was altered, or issued by a relay with other keys). Start a new conversation.";
        }

        var parts = payload.Split('\n', 5);
        if (parts.Length != 5 || parts[0] != Version ||
            !long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var expires))
        {
            return "The resume token is not valid. Start a new conversation.";
        }

        if (time.GetUtcNow().ToUnixTimeSeconds() > expires)
        {
            return "The resume token has expired. Start a new conversation.";
        }

        if (!string.Equals(parts[2], user, StringComparison.Ordinal))
        {
            return "The resume token belongs to another user. Start a new conversation.";
        }

        model = parts[3];
        handle = parts[4];
        return null;
    }
}
