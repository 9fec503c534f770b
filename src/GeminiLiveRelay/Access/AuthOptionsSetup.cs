using System.Text;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Access;

/// <summary>Resolves the auth mode (none by default only in Development) and checks each mode's settings at start-up.</summary>
internal sealed class AuthOptionsSetup(IHostEnvironment environment) : IPostConfigureOptions<AuthOptions>, IValidateOptions<AuthOptions>
{
    public const int MinKeyLength = 24;

    public void PostConfigure(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EffectiveMode = options.Mode?.Trim().ToLowerInvariant() switch
        {
            "none" => AuthMode.None,
            "jwt" => AuthMode.Jwt,
            "keys" => AuthMode.Keys,
            null or "" when environment.IsDevelopment() => AuthMode.None,
            _ => null,
        };
    }

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        switch (options.EffectiveMode)
        {
            case null when string.IsNullOrWhiteSpace(options.Mode):
                errors.Add($"Relay:Auth:Mode must be set outside Development (environment '{environment.EnvironmentName}'): " +
                    "'jwt' or 'keys' to require users to sign in, or 'none' to knowingly leave /live open. The relay fails closed.");
                break;
            case null:
                errors.Add($"Relay:Auth:Mode must be 'none', 'jwt' or 'keys'; got '{options.Mode}'.");
                break;
            case AuthMode.Jwt:
                if (string.IsNullOrWhiteSpace(options.Jwt.Authority) && string.IsNullOrWhiteSpace(options.Jwt.SigningKey))
                {
                    errors.Add("Relay:Auth:Mode is jwt: set Relay:Auth:Jwt:Authority (an OIDC issuer) or Relay:Auth:Jwt:SigningKey.");
                }

                if (options.Jwt.SigningKey is { } signingKey && !string.IsNullOrWhiteSpace(signingKey) && Encoding.UTF8.GetByteCount(signingKey) < 32)
                {
                    errors.Add("Relay:Auth:Jwt:SigningKey must be at least 32 bytes (HS256).");
                }

                if (string.IsNullOrWhiteSpace(options.Jwt.Audience))
                {
                    errors.Add("Relay:Auth:Mode is jwt: set Relay:Auth:Jwt:Audience (tokens for other audiences must not open sessions).");
                }

                break;
            case AuthMode.Keys:
                if (options.Keys.Count == 0)
                {
                    errors.Add("Relay:Auth:Mode is keys: list at least one key under Relay:Auth:Keys (Name and Key).");
                }

                foreach (var key in options.Keys)
                {
                    if (string.IsNullOrWhiteSpace(key.Name))
                    {
                        errors.Add("Every Relay:Auth:Keys entry needs a Name (it identifies the user in logs and limits).");
                    }

                    if (key.Key.Length < MinKeyLength)
                    {
                        errors.Add($"Relay:Auth:Keys '{key.Name}' is too short: use at least {MinKeyLength} random characters.");
                    }
                }

                if (options.Keys.GroupBy(k => k.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
                {
                    errors.Add("Relay:Auth:Keys names must be unique.");
                }

                break;
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
