using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GeminiLiveRelay.Tools;

internal static class ToolServiceCollectionExtensions
{
    /// <summary>
    /// Registers the built-in tools as <see cref="LiveTool"/> singletons, the <see cref="ToolCatalog"/> over every
    /// registered tool (add more with <c>services.AddSingleton&lt;LiveTool, MyTool&gt;()</c>) and the
    /// <see cref="ToolInvoker"/>. Calling it twice registers nothing twice.
    /// </summary>
    public static IServiceCollection AddLiveTools(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<LiveTool, GetCurrentTimeTool>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<LiveTool, CalculateTool>());
        services.TryAddSingleton<ToolCatalog>();
        services.TryAddSingleton<ToolInvoker>();
        return services;
    }
}
