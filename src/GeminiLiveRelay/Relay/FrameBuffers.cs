using System.Buffers;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// Buffers for audio queued between a session's loops (browser receive → Gemini writer, Gemini reader → browser
/// sender).
/// </summary>
/// <remarks>
/// Not <see cref="ArrayPool{T}.Shared"/>: these buffers are rented on one thread and returned on another, so its
/// per-thread cache never hits, and its per-core stacks hold only a few dozen arrays of a size: once more frames are
/// in flight than that (queues backing up on a busy machine), every rent allocates and every return drops. A trace at
/// 500 sessions on 2 cores (docs/performance.md) put 88 % of the relay's allocated bytes there. This pool keeps up
/// to <see cref="MaxArraysPerSize"/> arrays of each size, i.e. what was in flight at the busiest moment, and no more.
/// </remarks>
internal static class FrameBuffers
{
    // Upstream chunks are ≤ 3,200 bytes (100 ms at 16 kHz); model audio chunks are a few KB. Larger ones (rare)
    // are allocated and left to the GC.
    private const int MaxPooledBytes = 32 * 1024;
    private const int MaxArraysPerSize = 4096;

    public static ArrayPool<byte> Pool { get; } = ArrayPool<byte>.Create(MaxPooledBytes, MaxArraysPerSize);
}
