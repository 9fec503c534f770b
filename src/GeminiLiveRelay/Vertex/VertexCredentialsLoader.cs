namespace GeminiLiveRelay.Vertex;

/// <summary>
/// Loads the Vertex AI credentials before the server takes connections, so missing or unreadable credentials stop
/// start-up (with where they were looked for) instead of failing every session.
/// </summary>
internal sealed class VertexCredentialsLoader(VertexCredentials credentials) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        credentials.Required ? credentials.LoadAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
