using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Tests.Relay;

/// <summary>
/// The relay's host carries the socket transport settings measured in docs/performance.md (round 4); what they buy is
/// measured by the load tool, and every integration test runs its sessions through them.
/// </summary>
public sealed class RelayTransportTests
{
    [Fact]
    public async Task Host_ReadsWithoutZeroByteWait_AndRunsContinuationsInlineOnLinux()
    {
        await using var relay = new RelayApplication(geminiBaseUrl: null);

        var options = relay.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;

        Assert.False(options.WaitForDataBeforeAllocatingBuffer);
        Assert.Equal(OperatingSystem.IsLinux(), options.UnsafePreferInlineScheduling);
    }
}
