using GeminiLiveRelay.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace GeminiLiveRelay.Tests.Tools;

public sealed class ToolServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLiveTools_RegistersBuiltInsCatalogAndInvoker()
    {
        using var services = new ServiceCollection().AddLogging().AddLiveTools().BuildServiceProvider(validateScopes: true);

        var catalog = services.GetRequiredService<ToolCatalog>();

        Assert.Equal(["get_current_time", "calculate"], catalog.All.Select(t => t.Name));
        Assert.NotNull(services.GetRequiredService<ToolInvoker>());
        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddLiveTools_CalledTwice_RegistersEachToolOnce()
    {
        using var services = new ServiceCollection().AddLogging().AddLiveTools().AddLiveTools().BuildServiceProvider();

        Assert.Equal(2, services.GetRequiredService<ToolCatalog>().All.Count);
    }

    [Fact]
    public void AddLiveTools_KeepsAnExistingTimeProvider()
    {
        var clock = new FixedTimeProvider(DateTimeOffset.UnixEpoch);
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).AddLogging().AddLiveTools().BuildServiceProvider();

        Assert.Same(clock, services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddLiveTools_ExtraToolRegisteredByTheApp_JoinsTheCatalog()
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddLiveTools()
            .AddSingleton<LiveTool>(new DelegateTool("ping"))
            .BuildServiceProvider();

        Assert.NotNull(services.GetRequiredService<ToolCatalog>().Find("ping"));
    }
}
