using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>
/// The real relay on a real Kestrel port (loopback, port 0), pointed at a <see cref="MockGemini.MockGeminiServer"/>
/// (or the echo backend), with every log event captured for assertions.
/// </summary>
public sealed class RelayApplication : WebApplicationFactory<Program>
{
    public const string TestApiKey = "test-key-3f9a0c1e7b";

    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;

    public RelayApplication(Uri? geminiBaseUrl, Dictionary<string, string?>? settings = null, string environment = "Development")
    {
        _environment = environment;
        _settings = new Dictionary<string, string?>
        {
            // Isolate from whatever the machine's environment holds.
            ["GEMINI_API_KEY"] = string.Empty,
            ["Gemini:ApiKey"] = geminiBaseUrl is null ? string.Empty : TestApiKey,
            ["Gemini:BaseUrl"] = geminiBaseUrl?.ToString() ?? "https://generativelanguage.googleapis.com",
            ["Gemini:Backend"] = string.Empty,
            // Production requires an explicit auth mode (fail closed); tests that exercise auth override it.
            ["Relay:Auth:Mode"] = "none",
            ["Serilog:MinimumLevel:Default"] = "Debug",
            // Logs are asserted through the captured sink; the console copy would only flood the CI log.
            ["Serilog:WriteTo:0:Args:restrictedToMinimumLevel"] = "Fatal",
            // Compressed time: reconnect back-off in milliseconds, not seconds.
            ["Relay:ReconnectInitialDelay"] = "00:00:00.010",
            ["Relay:ReconnectMaxDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }

        // Listen options rather than UseKestrel(0): the port overload rewrites the server addresses after the
        // host is built, which races with the app's own start (InvalidOperationException under load).
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    public LogCapture Logs { get; } = new();

    /// <summary>Extra registrations (e.g. test tools); set before the server starts.</summary>
    public Action<IServiceCollection>? ConfigureTestServices { get; init; }

    /// <summary>The relay's <c>ws://127.0.0.1:port/live</c> URL with an optional query string.</summary>
    public Uri LiveUri(string query = "")
    {
        StartServer();
        var address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new UriBuilder(address) { Scheme = "ws", Path = "/live", Query = query }.Uri;
    }

    public Uri HttpUri(string path)
    {
        StartServer();
        var address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new Uri(address, path);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(_settings));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILogEventSink>(Logs);
            ConfigureTestServices?.Invoke(services);
        });
    }
}
