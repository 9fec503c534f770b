namespace GeminiLiveRelay.Relay;

internal static class RelayServiceCollectionExtensions
{
    /// <summary>Binds and validates <c>Relay</c> at start-up and registers the session plumbing.</summary>
    public static IServiceCollection AddRelay(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<RelayOptions>()
            .BindConfiguration(RelayOptions.SectionName)
            .ValidateDataAnnotations();
        services.AddSingleton<BackendConnector>();
        services.AddSingleton<ToolSet>();
        return services;
    }
}
