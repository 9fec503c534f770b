using System.IO.Pipelines;

namespace GeminiLiveRelay.Tests.Infrastructure;

/// <summary>
/// One end of an in-memory duplex byte stream whose writes can be held at a gate: lets a test freeze the relay's
/// browser socket mid-send and decide exactly what is queued behind it.
/// </summary>
internal sealed class GatedDuplexStream(PipeReader input, PipeWriter output, Task? gate) : Stream
{
    public static (GatedDuplexStream Server, GatedDuplexStream Client) CreatePair(Task serverWriteGate)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        return (new GatedDuplexStream(toServer.Reader, toClient.Writer, serverWriteGate),
                new GatedDuplexStream(toClient.Reader, toServer.Writer, null));
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await input.ReadAsync(cancellationToken);
        var count = (int)Math.Min(buffer.Length, result.Buffer.Length);
        var slice = result.Buffer.Slice(0, count);
        foreach (var segment in slice)
        {
            segment.Span.CopyTo(buffer.Span);
            buffer = buffer[segment.Length..];
        }

        input.AdvanceTo(slice.End);
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        await output.WriteAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        input.Complete();
        output.Complete();
        base.Dispose(disposing);
    }
}
