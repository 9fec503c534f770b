namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>Measures what a hot-path call allocates once the JIT has settled.</summary>
internal static class Allocations
{
    /// <summary>
    /// Bytes allocated on this thread by <paramref name="calls"/> calls, taking the least of several rounds: the tiered
    /// JIT can allocate once while promoting a method (more likely on a loaded machine), but an allocation made by
    /// the call itself shows up in every round.
    /// </summary>
    public static long SteadyState(Action call, int calls = 1000, int rounds = 5)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        var least = long.MaxValue;
        for (var round = 0; round < rounds && least > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < calls; i++)
            {
                call();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
