using System.Collections.Concurrent;
using GeminiLiveRelay.MockGemini;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GeminiLiveRelay.Tests.Browser;

/// <summary>
/// Sessions share their loggers: Serilog's logger factory does not cache, so a logger created per connection is a new
/// logger chain that each session would carry for its whole life.
/// </summary>
public sealed class SessionLoggerTests
{
    [Fact]
    public async Task ThreeSessions_CreateTheSessionAndGeminiLoggersOnceBetweenThem()
    {
        using var timeout = TestTimeout.Create();
        var ct = timeout.Token;
        await using var mock = await MockGeminiServer.StartAsync(ct);
        var created = new ConcurrentQueue<string>();
        await using var relay = new RelayApplication(mock.BaseUrl)
        {
            ConfigureTestServices = services =>
            {
                var serilog = services.Last(d => d.ServiceType == typeof(ILoggerFactory));
                services.Add(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new CountingLoggerFactory(
                    (ILoggerFactory)(serilog.ImplementationInstance ?? serilog.ImplementationFactory?.Invoke(sp)
                        ?? ActivatorUtilities.CreateInstance(sp, serilog.ImplementationType!)), created)));
            },
        };

        for (var i = 0; i < 3; i++)
        {
            await using var client = await LiveClient.ConnectAsync(relay.LiveUri(), ct);
            await client.WaitForEventAsync("ready", ct);
            await client.CloseAsync(ct);
        }

        Assert.Equal(1, created.Count(c => c == "GeminiLiveRelay.Session"));
        Assert.Equal(1, created.Count(c => c == "GeminiLiveRelay.Gemini.GeminiSession"));
    }

    private sealed class CountingLoggerFactory(ILoggerFactory inner, ConcurrentQueue<string> created) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
        {
            created.Enqueue(categoryName);
            return inner.CreateLogger(categoryName);
        }

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }
}
