namespace GeminiLiveRelay.Tools;

/// <summary>
/// An expected failure of a <see cref="LiveTool"/> call (bad arguments, nothing found, ...). The message is sent to
/// the model as the call's <c>response.error</c>, so it should say what went wrong and how to call correctly.
/// </summary>
internal sealed class ToolException : Exception
{
    public ToolException()
    {
    }

    public ToolException(string message)
        : base(message)
    {
    }

    public ToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
