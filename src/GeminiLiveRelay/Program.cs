using GeminiLiveRelay.Browser;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Relay;
using Serilog;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json and wwwroot/ live at the repository root and are copied next to the binaries, so the
    // output folder is the content root for `dotnet run`, the tests and the published image alike.
    ContentRootPath = AppContext.BaseDirectory,
});

// Logging: Serilog, configured from the "Serilog" section; every line of a session carries its SessionId.
builder.Services.AddSerilog((services, logger) => logger
    .ReadFrom.Configuration(builder.Configuration)
    .ReadFrom.Services(services)
    .Enrich.FromLogContext());

// The live model behind /live (Gemini or the offline echo), and the relay itself.
builder.Services.AddGeminiLive();
builder.Services.AddRelay();

var app = builder.Build();

app.UseSerilogRequestLogging();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets();
app.MapLiveRelay();

app.Run();

/// <summary>The entry point, public for <c>WebApplicationFactory</c>.</summary>
public partial class Program;
