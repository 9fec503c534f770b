using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Gemini;

internal static class GeminiServiceCollectionExtensions
{
    /// <summary>Binds and validates <c>Gemini</c> at start-up and registers the live-session connector.</summary>
    public static IServiceCollection AddGeminiLive(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<GeminiOptions>()
            .BindConfiguration(GeminiOptions.SectionName)
            .Configure<IConfiguration>(static (options, configuration) =>
            {
                // The documented variable for the key; Gemini__ApiKey (bound above) wins when both are set.
                if (string.IsNullOrWhiteSpace(options.ApiKey))
                {
                    options.ApiKey = configuration["GEMINI_API_KEY"];
                }
            })
            .ValidateDataAnnotations();
        services.AddSingleton<GeminiOptionsValidator>();
        services.AddSingleton<IPostConfigureOptions<GeminiOptions>>(sp => sp.GetRequiredService<GeminiOptionsValidator>());
        services.AddSingleton<IValidateOptions<GeminiOptions>>(sp => sp.GetRequiredService<GeminiOptionsValidator>());
        services.AddSingleton<GeminiConnector>();
        services.AddHostedService<BackendBanner>();

        // Vertex AI: credentials loaded (or start-up refused) before the first browser can connect.
        services.AddSingleton<Vertex.VertexCredentials>();
        services.AddHostedService<Vertex.VertexCredentialsLoader>();
        return services;
    }
}
