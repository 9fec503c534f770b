using Serilog.Core;
using Serilog.Events;

namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>A Serilog sink (picked up through <c>ReadFrom.Services</c>) that keeps every event for assertions.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public IReadOnlyList<LogEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_events)
        {
            _events.Add(logEvent);
        }
    }
}
