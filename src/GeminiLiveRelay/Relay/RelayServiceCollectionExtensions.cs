using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GeminiLiveRelay.Relay;

internal static class RelayServiceCollectionExtensions
{
    /// <summary>Binds and validates <c>Relay</c> at start-up and registers the session plumbing.</summary>
    public static IServiceCollection AddRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<RelayOptions>()
            .BindConfiguration(RelayOptions.SectionName)
            .ValidateDataAnnotations();
        services.AddSingleton<BackendConnector>();
        services.AddSingleton<ToolSet>();
        services.AddSingleton<ResumeTokens>();
        services.AddSingleton<SessionClock>();

        // The host must wait for the drain: sessions get Relay:ShutdownDrainPeriod to finish, plus time to close.
        services.AddOptions<HostOptions>().Configure<IOptions<RelayOptions>>((host, relay) =>
        {
            var needed = relay.Value.ShutdownDrainPeriod + relay.Value.CloseTimeout + TimeSpan.FromSeconds(5);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        services.AddSingleton<Browser.LiveRequestGate>();
        services.AddSingleton<Browser.SessionLogger>();
        services.TryAddSingleton(TimeProvider.System);

        // Resume tokens are protected with Data Protection; replicas must share keys to resume each other's sessions.
        var dataProtection = services.AddDataProtection().SetApplicationName("GeminiLiveRelay");
        var keysPath = configuration[$"{RelayOptions.SectionName}:{nameof(RelayOptions.DataProtectionKeysPath)}"];
        if (!string.IsNullOrWhiteSpace(keysPath))
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keysPath));
        }
        return services;
    }
}
