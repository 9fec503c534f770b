using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Access;

/// <summary>
/// <c>Relay:Auth:Mode = keys</c>: a named static key from <c>Authorization: Bearer</c> or the <c>access_token</c>
/// query parameter (browsers cannot set headers on a WebSocket). Keys are compared as SHA-256 digests in constant
/// time, so neither the length nor the content of a configured key leaks through timing.
/// </summary>
internal sealed class AccessKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AccessKey";

    private readonly (string Name, byte[] Digest)[] _keys =
        [.. auth.Value.Keys.Select(k => (k.Name, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key))))];

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = AccessToken.From(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? owner = null;
        foreach (var (name, expected) in _keys)
        {
            // Every key is compared, match or not, so the time taken does not say which one matched.
            if (CryptographicOperations.FixedTimeEquals(digest, expected))
            {
                owner = name;
            }
        }

        if (owner is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The access key is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, owner), new Claim(ClaimTypes.Name, owner)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
