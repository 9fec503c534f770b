using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Gemini;

/// <summary>
/// Resolves <see cref="GeminiOptions.EffectiveBackend"/> and checks what data annotations cannot: every problem is
/// reported at start-up, each naming its configuration key and how to fix it.
/// </summary>
internal sealed class GeminiOptionsValidator(IHostEnvironment environment) : IPostConfigureOptions<GeminiOptions>, IValidateOptions<GeminiOptions>
{
    public const string MissingKeyMessage =
        "No Gemini API key: set GEMINI_API_KEY (or Gemini__ApiKey), or set Gemini:Backend=echo for the offline demo.";

    public void PostConfigure(string? name, GeminiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hasKey = !string.IsNullOrWhiteSpace(options.ApiKey);
        options.EffectiveBackend = options.Backend?.Trim().ToLowerInvariant() switch
        {
            "gemini" => GeminiBackend.Gemini,
            "echo" => GeminiBackend.Echo,
            null or "" when hasKey => GeminiBackend.Gemini,
            null or "" when environment.IsDevelopment() => GeminiBackend.Echo,
            _ => null,
        };
    }

    public ValidateOptionsResult Validate(string? name, GeminiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var backend = options.Backend?.Trim().ToLowerInvariant();
        if (backend is not (null or "" or "gemini" or "echo"))
        {
            errors.Add($"Gemini:Backend must be 'gemini' or 'echo' (or empty to choose automatically); got '{options.Backend}'.");
        }
        else if (options.EffectiveBackend is null ||
                 (options.EffectiveBackend == GeminiBackend.Gemini && string.IsNullOrWhiteSpace(options.ApiKey)))
        {
            errors.Add(MissingKeyMessage);
        }

        if (options.BaseUrl is { } baseUrl &&
            (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"Gemini:BaseUrl must be an absolute http:// or https:// URL; got '{baseUrl}'.");
        }

        if (options.Model.Any(char.IsWhiteSpace))
        {
            errors.Add($"Gemini:Model must be a model id such as '{GeminiOptions.DefaultModel}'; got '{options.Model}'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
