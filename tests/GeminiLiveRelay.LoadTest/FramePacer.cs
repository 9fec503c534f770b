using System.Diagnostics;

namespace GeminiLiveRelay.LoadTest;

/// <summary>
/// Hands every session's frames to its socket in real time from dedicated threads (a 1 ms tick each, sessions dealt
/// out in turn; one thread by default): 25,000 frames a second at 500 sessions would swamp timers or the thread pool.
/// Each session keeps its own schedule from its <c>ready</c>, so sends are spread over the frame period as browsers'
/// are; a late tick sends what is due at once.
/// </summary>
/// <remarks>
/// More threads are an option (<c>--pacers</c>) for a tool machine with cores to spare. On the 2-core benchmark host
/// two were worse than one (500 sessions: relay p99 93/61 ms against 51/47 ms, pacer lag p99 942 ms against 105 ms):
/// a send on loopback also does the receiving side's TCP work, and two senders bursting at once took CPU from the
/// relay they were measuring. What made one thread keep up was a cheaper frame fill (see <see cref="UpstreamCode"/>).
/// </remarks>
internal sealed class FramePacer : IDisposable
{
    private readonly Lane[] _lanes;
    private readonly CancellationTokenSource _stop = new();
    private int _added;

    public FramePacer(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _lanes = new Lane[threads];
        for (var i = 0; i < threads; i++)
        {
            _lanes[i] = new Lane($"frame pacer {i}", _stop.Token);
        }
    }

    public void Add(LoadSession session) => _lanes[(Interlocked.Increment(ref _added) - 1) % _lanes.Length].Add(session);

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var lane in _lanes)
        {
            lane.Join();
        }

        _stop.Dispose();
    }

    private sealed class Lane
    {
        private readonly Thread _thread;
        private readonly CancellationToken _token;
        private readonly Lock _gate = new();
        private LoadSession[] _sessions = [];

        public Lane(string name, CancellationToken token)
        {
            _token = token;
            _thread = new Thread(Run) { IsBackground = true, Name = name };
            _thread.Start();
        }

        public void Add(LoadSession session)
        {
            lock (_gate)
            {
                _sessions = [.. _sessions, session];
            }
        }

        public void Join() => _thread.Join();

        private void Run()
        {
            while (!_token.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var session in Volatile.Read(ref _sessions))
                {
                    session.Pump(now, _token);
                }

                Thread.Sleep(1);
            }
        }
    }
}
