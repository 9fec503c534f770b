using Microsoft.Extensions.Hosting;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>An <see cref="IHostApplicationLifetime"/> whose ApplicationStopping a test triggers.</summary>
internal sealed class StoppingLifetime : IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
