using GeminiLiveRelay.Access;
using GeminiLiveRelay.Browser;
using GeminiLiveRelay.EphemeralTokens;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Observability;
using GeminiLiveRelay.Relay;
using GeminiLiveRelay.Tools;
using Microsoft.Extensions.Options;
using Serilog;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json and wwwroot/ live at the repository root and are copied next to the binaries, so the
    // output folder is the content root for `dotnet run`, the tests and the published image alike.
    ContentRootPath = AppContext.BaseDirectory,
});

// Kestrel's socket transport, tuned for many long-lived connections with a small message every 20 ms.
builder.WebHost.UseRelayTransport();

// Logging: Serilog, configured from the "Serilog" section; every line of a session carries its SessionId.
// The static Log.Logger is left alone: each host (several run side by side in the tests) keeps its own pipeline.
builder.Services.AddSerilog(
    (services, logger) => logger
        .ReadFrom.Configuration(builder.Configuration)
        .ReadFrom.Services(services)
        .Enrich.FromLogContext(),
    preserveStaticLogger: true);

// The live model behind /live (Gemini or the offline echo), its server-side tools, and the relay itself.
builder.Services.AddGeminiLive();
builder.Services.AddLiveTools();
builder.Services.AddRelay(builder.Configuration);

// Who may connect, from which pages, and how much: auth mode, origins, session caps, connect rate, budgets.
builder.Services.AddRelayAccess();

// Direct mode: short-lived Gemini tokens for browsers that talk to Gemini themselves (off unless enabled).
builder.Services.AddEphemeralTokens();

// Health (/healthz, /readyz), metrics (/metrics, OTLP) and traces (OTLP), from the "Observability" section.
builder.Services.AddObservability(builder.Configuration);

var app = builder.Build();

app.UseSerilogRequestLogging(options =>
{
    options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
    options.GetLevel = ProbeRequests.LogLevel;
});
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseSecurityHeaders();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapLiveRelay();
app.MapEphemeralTokens();
app.MapObservability();

try
{
    app.Run();
}
catch (OptionsValidationException ex)
{
    // The host has logged the details; end with the fix-it sentences alone and a failing exit code.
    Console.Error.WriteLine("Invalid configuration: " + string.Join(" ", ex.Failures));
    Environment.ExitCode = 1;
}

/// <summary>The entry point, public for <c>WebApplicationFactory</c>.</summary>
public partial class Program;
