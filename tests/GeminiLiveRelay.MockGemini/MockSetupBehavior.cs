namespace GeminiLiveRelay.MockGemini;

/// <summary>How the mock answers a connection's <c>setup</c> message.</summary>
public enum MockSetupBehavior
{
    /// <summary>Reply <c>setupComplete</c> (after <see cref="MockGeminiServer.SetupCompleteDelay"/>).</summary>
    Complete,

    /// <summary>Never answer: the client's setup timeout must fire.</summary>
    NeverAnswer,

    /// <summary>Close with <see cref="MockGeminiServer.SetupCloseCode"/> instead of answering, as the service does for a bad setup.</summary>
    Close,

    /// <summary>Drop the TCP connection without a close frame.</summary>
    Drop,
}
