using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Serilog.Events;

namespace GeminiLiveRelay.Tests.Vertex;

/// <summary>Starts a relay that must refuse to start, and returns the configuration error it refused with.</summary>
public static class HostStartup
{
    /// <summary>
    /// WebApplicationFactory reports a minimal-hosting app whose start failed as an ObjectDisposedException; the real
    /// error is the exception chain or what the host logged as "Hosting failed to start".
    /// </summary>
    public static OptionsValidationException Failure(RelayApplication relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var thrown = Assert.ThrowsAny<Exception>(() => relay.LiveUri());
        var candidates = new List<Exception>();
        for (var e = thrown; e is not null; e = e.InnerException)
        {
            candidates.Add(e);
        }

        candidates.AddRange(relay.Logs.Events
            .Where(e => e.Level >= LogEventLevel.Error && e.Exception is not null)
            .Select(e => e.Exception!));
        var error = candidates.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(error is not null, "Start-up failed without an OptionsValidationException: " + thrown);
        return error;
    }
}
