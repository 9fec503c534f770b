namespace GeminiLiveRelay.EphemeralTokens;

/// <summary>Google did not mint a token; the message is a sentence for the browser (never Google's raw answer).</summary>
internal sealed class EphemeralTokenException(string message, Exception? inner = null) : Exception(message, inner);
