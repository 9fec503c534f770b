using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Gemini;

/// <summary>Says at start-up which backend answers, loudly when it is the offline echo.</summary>
internal sealed partial class BackendBanner(IOptions<GeminiOptions> options, ILogger<BackendBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (value.EffectiveBackend == GeminiBackend.Echo)
        {
            Log.EchoBackend(logger);
        }
        else
        {
            var platform = value.IsVertex ? (value.IsVertexExpress ? "Vertex AI express mode" : "Vertex AI") : "Developer API";
            Log.GeminiBackend(logger, platform, value.ModelResourceName, value.BuildServiceUri().Host, value.ApiVersion);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1201, LogLevel.Warning,
            "*** OFFLINE ECHO BACKEND *** /live answers with the built-in echo backend (your own voice played back), " +
            "NOT Gemini. Set GEMINI_API_KEY (and leave Gemini:Backend empty) to talk to the model.", EventName = "EchoBackend")]
        public static partial void EchoBackend(ILogger logger);

        [LoggerMessage(1202, LogLevel.Information, "Backend: Gemini Live ({Platform}), model {Model} at {Host} ({ApiVersion})", EventName = "GeminiBackend")]
        public static partial void GeminiBackend(ILogger logger, string platform, string model, string host, string apiVersion);
    }
}
