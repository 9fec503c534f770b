using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Kestrel's socket transport set up for what the relay carries: hundreds of long-lived connections, each with a
/// small message every 20 ms. Measured A/B on the load tool in docs/performance.md (round 4). The load tool compiles
/// this file too, so that its mock Gemini runs on the same settings (<c>--mock-transport inline</c>, round 6).
/// </summary>
internal static class RelayTransport
{
    public static IWebHostBuilder UseRelayTransport(this IWebHostBuilder builder) =>
        builder.UseSockets(Configure);

    internal static void Configure(SocketTransportOptions options)
    {
        // Read straight into a pipe buffer instead of first waiting for data with a zero-byte receive: that wait is
        // one more recvfrom (a 1-byte MSG_PEEK) per browser frame, for a buffer that is needed 20 ms later anyway.
        // The cost is one pooled 4 KB block held per idle connection.
        options.WaitForDataBeforeAllocatingBuffer = false;

        // Run the transport's and the application's continuations on the thread that completed the socket operation
        // instead of queueing each to the thread pool: a browser frame is received, converted and sent to Gemini
        // in one work item instead of three. On Linux that thread is already a thread-pool worker (the socket engine
        // dispatches completions off its epoll thread unless DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, which the
        // relay does not set), so code that waits holds one worker, as any async code does, and never the epoll
        // thread. "Unsafe" in the option's name is about that combination. Elsewhere the completing thread can be an
        // I/O thread, and the relay was not measured there, so other platforms keep Kestrel's default.
        options.UnsafePreferInlineScheduling = OperatingSystem.IsLinux();
    }
}
