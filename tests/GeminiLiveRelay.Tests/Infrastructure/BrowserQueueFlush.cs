using GeminiLiveRelay.MockGemini;

namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>
/// Waits until every event the relay has already queued for a browser has arrived. The relay's browser queue is first
/// in, first out, so a marker the model sends now arrives after them: tests that assert that an event came exactly
/// once (or not at all) look only after the marker, not merely after Gemini saw some later input.
/// </summary>
internal static class BrowserQueueFlush
{
    public static async Task FlushAsync(this LiveClient client, MockGeminiConnection connection, CancellationToken cancellationToken)
    {
        var before = client.EventsOfType("turnComplete").Count;
        await connection.SendAsync(GeminiMessages.TurnComplete(withUsage: false), cancellationToken);
        await client.WaitUntilAsync(c => c.EventsOfType("turnComplete").Count > before, cancellationToken);
    }
}
