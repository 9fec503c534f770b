using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.EphemeralTokens;

internal static class EphemeralTokenServiceCollectionExtensions
{
    /// <summary>Binds and validates <c>Relay:EphemeralTokens</c>, the Google client that mints, and its rate limit.</summary>
    public static IServiceCollection AddEphemeralTokens(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<EphemeralTokenOptions>()
            .BindConfiguration(EphemeralTokenOptions.SectionName)
            .ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<EphemeralTokenOptions>, EphemeralTokenOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<EphemeralTokenClient>(http => http.Timeout = TimeSpan.FromSeconds(15));
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, EphemeralTokenRatePolicy>(EphemeralTokenRatePolicy.Name));
        return services;
    }
}
