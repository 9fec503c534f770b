using System.Diagnostics;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// Hands every session's frames to its socket in real time from one dedicated thread (a 1 ms tick): 25,000 frames a
/// second at 500 sessions would swamp timers or the thread pool. Each session keeps its own schedule from its
/// <c>ready</c>, so sends are spread over the frame period as browsers' are; a late tick sends what is due at once.
/// </summary>
internal sealed class FramePacer : IDisposable
{
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private LoadSession[] _sessions = [];

    public FramePacer()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "frame pacer", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void Add(LoadSession session)
    {
        lock (_gate)
        {
            _sessions = [.. _sessions, session];
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    private void Run()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var session in Volatile.Read(ref _sessions))
            {
                session.Pump(now, token);
            }

            Thread.Sleep(1);
        }
    }
}
