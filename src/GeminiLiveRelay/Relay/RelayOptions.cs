using System.ComponentModel.DataAnnotations;

namespace GeminiLiveRelay.Relay;

/// <summary>Settings of the browser side of the relay (configuration section <c>Relay</c>).</summary>
internal sealed class RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>Largest browser message accepted; a bigger one closes the session with 1009.</summary>
    [Range(1024, 16 * 1024 * 1024, ErrorMessage = "Relay:MaxMessageBytes must be between 1024 and 16777216.")]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>How long either side gets to finish its close handshake before the socket is aborted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Relay:CloseTimeout must be between 100 ms and 1 minute.")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>WebSocket ping interval towards the browser (keeps proxies from reaping a quiet socket).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Relay:KeepAliveInterval must be between 0 (off) and 10 minutes.")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);
}
