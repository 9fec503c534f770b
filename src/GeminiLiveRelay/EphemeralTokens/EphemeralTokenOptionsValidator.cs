using GeminiLiveRelay.Gemini;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.EphemeralTokens;

/// <summary>Ephemeral tokens are a Developer API feature minted with the relay's API key: refuse anything else at start-up.</summary>
internal sealed class EphemeralTokenOptionsValidator(IOptions<GeminiOptions> gemini) : IValidateOptions<EphemeralTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, EphemeralTokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (options.NewSessionExpireAfter > options.ExpireAfter)
        {
            errors.Add("Relay:EphemeralTokens:NewSessionExpireAfter must not be longer than Relay:EphemeralTokens:ExpireAfter.");
        }

        var settings = gemini.Value;
        if (settings.IsVertex)
        {
            errors.Add("Relay:EphemeralTokens:Enabled works with the Gemini Developer API only (Vertex AI mints no ephemeral tokens): " +
                "turn it off, or use Gemini:Platform=developer.");
        }
        else if (settings.EffectiveBackend != GeminiBackend.Gemini || string.IsNullOrWhiteSpace(settings.ApiKey))
        {
            errors.Add("Relay:EphemeralTokens:Enabled needs the Gemini backend and its API key (GEMINI_API_KEY or Gemini:ApiKey): tokens are minted with it.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
