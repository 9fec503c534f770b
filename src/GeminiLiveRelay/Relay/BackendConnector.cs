using GeminiLiveRelay.Echo;
using GeminiLiveRelay.Gemini;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Relay;

/// <summary>Opens the session behind <see cref="IGeminiSession"/> for the backend chosen at start-up.</summary>
internal sealed class BackendConnector(IOptions<GeminiOptions> options, GeminiConnector gemini)
{
    private readonly GeminiBackend _backend = options.Value.EffectiveBackend ?? GeminiBackend.Gemini;

    public Task<IGeminiSession> ConnectAsync(LiveSessionRequest request, CancellationToken cancellationToken) => _backend switch
    {
        GeminiBackend.Echo => Task.FromResult<IGeminiSession>(new EchoSession()),
        _ => gemini.ConnectAsync(request, cancellationToken),
    };
}
