using GeminiLiveRelay.Observability;
using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GeminiLiveRelay.Browser;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Relay;

// The browser edge of the pump: (1) the receive loop and (4) the send loop (the sink that feeds (4) is in .Sink.cs).
internal sealed partial class RelaySession
{
    private async Task SendToBrowserAsync(CancellationToken cancellationToken)
    {
        // Waits without a cancelable token (which would allocate a waiter per wait, i.e. per model chunk); one
        // registration posts a wake item instead when the token fires.
        using var wake = cancellationToken.UnsafeRegister(
            static state => ((RelaySession)state!)._downstream.Writer.TryWrite(DownstreamItem.Wake), this);
        try
        {
            while (await _downstream.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (_downstream.Reader.TryRead(out var item))
                {
                    try
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await SendDownstreamItemAsync(item, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        item.Release();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Session over (or the socket was aborted); what is still queued is released by DrainQueues.
        }
        catch (WebSocketException ex)
        {
            Log.BrowserSendFailed(_logger, ex.Message);
        }
    }

    // Pooled: a send that waits (a slow browser, a busy machine) would otherwise box a state machine per frame.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendDownstreamItemAsync(DownstreamItem item, CancellationToken cancellationToken)
    {
        if (item.IsWake)
        {
            return;
        }

        if (item.IsAudio)
        {
            Interlocked.Add(ref _downstreamAudioBytes, -item.Length);
            ReleaseDrainWaiter();
            if (item.Generation != Volatile.Read(ref _generation))
            {
                Interlocked.Add(ref _stats.AudioBytesDropped, item.Length);
                _metrics?.FrameDropped(DroppedFrame.InterruptedAudio);
                return;
            }
        }

        var type = item.IsAudio ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        await _browser.SendAsync(item.Buffer.AsMemory(0, item.Length), type, true, cancellationToken).ConfigureAwait(false);
        if (item.IsAudio)
        {
            _stats.AudioBytesToBrowser += item.Length; // reported to the metrics by the clock (ReportAudio)
        }
    }

    private async Task<RelayEnd> ReceiveFromBrowserAsync(CancellationToken cancellationToken)
    {
        var maxBinary = _options.MaxMessageBytes;
        var maxText = _options.MaxTextMessageBytes;
        try
        {
            while (true)
            {
                // Zero-byte read first: an idle session holds no receive buffer.
                var peek = await ReceiveGatheringAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                if (peek.MessageType == WebSocketMessageType.Close)
                {
                    return await EndAfterGatheredAudioAsync(RelayEnd.BrowserClosed, cancellationToken).ConfigureAwait(false);
                }

                if (peek.EndOfMessage)
                {
                    // An empty frame: the zero-byte read already consumed all of it.
                    await HandleBrowserMessageAsync(peek.MessageType, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // Text frames may carry an image, so they get their own (larger) cap.
                var max = peek.MessageType == WebSocketMessageType.Text ? maxText : maxBinary;
                var buffer = ArrayPool<byte>.Shared.Rent(max);
                try
                {
                    var length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        if (length == max)
                        {
                            _metrics?.FrameDropped(DroppedFrame.MessageTooBig);
                            PostEvent(BrowserEvents.Encode(new ErrorEvent("message_too_big", peek.MessageType == WebSocketMessageType.Text
                                ? $"Text messages may be at most {max} bytes (room for an image of Relay:MaxImageBytes)."
                                : $"Audio frames may be at most {max} bytes (Relay:MaxMessageBytes).")));
                            return await EndAfterGatheredAudioAsync(RelayEnd.MessageTooBig, cancellationToken).ConfigureAwait(false);
                        }

                        // The rest of this frame may still be on its way (a frame larger than one socket read, a
                        // retransmit): the audio gathered before it does not wait for it.
                        result = await ReceiveGatheringAsync(buffer.AsMemory(length, max - length), cancellationToken).ConfigureAwait(false);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            return await EndAfterGatheredAudioAsync(RelayEnd.BrowserClosed, cancellationToken).ConfigureAwait(false);
                        }

                        length += result.Count;
                    }
                    while (!result.EndOfMessage);

                    await HandleBrowserMessageAsync(result.MessageType, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Our cancellation, or an aborted socket (which fails a pending receive the same way).
            QueueGatheredAudio();
            return RelayEnd.BrowserDisconnected;
        }
        catch (WebSocketException ex)
        {
            // A browser that vanishes without a close frame is routine (tab closed, network lost): Debug, not Error.
            Log.BrowserDisconnected(_logger, ex.WebSocketErrorCode);
            QueueGatheredAudio();
            return RelayEnd.BrowserDisconnected;
        }
    }

    /// <summary>
    /// Reads from the browser. A read that completes at once means more input was already waiting (the relay fell
    /// behind, or the browser sent a burst): audio keeps gathering, so frames that queued up go to Gemini as one message
    /// (up to 100 ms), not one each. A read that has to wait sends what has been gathered first, so a session that
    /// keeps up sends every frame as it comes, and audio is never held while the relay waits for the network.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ValueWebSocketReceiveResult> ReceiveGatheringAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = _browser.ReceiveAsync(buffer, cancellationToken);
        if (!read.IsCompleted)
        {
            await FlushAudioAsync(flush: false, cancellationToken).ConfigureAwait(false);
        }

        // A read that failed at once (an aborted socket, a cancelled token) throws here, before anything is sent with
        // that token; the caller's handler then queues the gathered audio without waiting.
        return await read.ConfigureAwait(false);
    }

    /// <summary>
    /// The receive loop ends (a close frame, a frame too big): the audio gathered before it still goes, its short tail
    /// included, since no more will come to fill it.
    /// </summary>
    private async Task<RelayEnd> EndAfterGatheredAudioAsync(RelayEnd end, CancellationToken cancellationToken)
    {
        await FlushAudioAsync(flush: true, cancellationToken).ConfigureAwait(false);
        return end;
    }

    /// <summary>
    /// Audio gathered from frames that arrived before the browser vanished still goes to Gemini, as it did when each
    /// frame was sent on its own; without waiting, because nothing reads this loop's result until the queue drains.
    /// </summary>
    private void QueueGatheredAudio()
    {
        while (_chunker.TryTake(flush: true, out var rented, out var length))
        {
            if (!_upstream.Writer.TryWrite(UpstreamItem.ForAudio(rented, length)))
            {
                FrameBuffers.Pool.Return(rented);
                return;
            }
        }
    }

    private async ValueTask HandleBrowserMessageAsync(WebSocketMessageType type, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        _stats.BrowserFrames++;
        if (_limitTripped.Task.IsCompleted)
        {
            // The session is ending over a limit: nothing more goes upstream but the audio gathered before it.
            await FlushAudioAsync(flush: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (type == WebSocketMessageType.Binary)
        {
            if (message.Length % _chunker.BytesPerSampleFrame != 0)
            {
                _metrics?.FrameDropped(DroppedFrame.BadAudioFrame);
                PostEvent(BrowserEvents.Encode(new ErrorEvent("bad_audio_frame",
                    $"A {_format.EncodingName} x{_format.Channels} audio frame must be a multiple of {_chunker.BytesPerSampleFrame} bytes; got {message.Length}. The frame was dropped.")));
                return;
            }

            _stats.AudioBytesFromBrowser += message.Length;
            MarkActivity();
            if (!_audioRate.TryConsume((double)message.Length / _chunker.BytesPerSampleFrame / _format.SampleRate))
            {
                await FlushAudioAsync(flush: true, cancellationToken).ConfigureAwait(false); // the audio before this frame was in time
                _metrics?.FrameDropped(DroppedFrame.AudioTooFast);
                PostEvent(BrowserEvents.Encode(new ErrorEvent("audio_too_fast",
                    $"Audio is arriving much faster than real time (over {_options.MaxAudioRealtimeFactor:0.#}x beyond a {_options.MaxAudioBurst.TotalSeconds:0.#} s burst; Relay:MaxAudioRealtimeFactor, Relay:MaxAudioBurst).")));
                Trip(RelayEnd.AudioTooFast);
                return;
            }

            _chunker.Append(message.Span);
            if (_chunker.HasFullChunk)
            {
                // A full chunk goes at once; anything less waits only while more input is already buffered (above).
                await FlushAudioAsync(flush: false, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (BrowserCommand.TryParse(message.Span, out var command) is { } error)
        {
            _metrics?.FrameDropped(DroppedFrame.BadMessage);
            PostEvent(BrowserEvents.Encode(new ErrorEvent("bad_message", error)));
            return;
        }

        if (CheckCommand(command!) is { } refusal)
        {
            _metrics?.FrameDropped(DroppedFrame.BadMessage);
            PostEvent(BrowserEvents.Encode(new ErrorEvent("bad_message", refusal)));
            return;
        }

        if (command!.Type == "image" && !_images.TryAdmit())
        {
            _metrics?.FrameDropped(DroppedFrame.ImageRateLimit);
            if (_stats.ImagesDropped++ == 0)
            {
                PostEvent(BrowserEvents.Encode(new WarningEvent("image_rate_limited",
                    $"Camera/screen frames over {_options.MaxImagesPerSecond:0.##} per second are dropped (Relay:MaxImagesPerSecond). This is reported once.")));
            }

            return;
        }

        if (command.Type is "text" or "image")
        {
            MarkActivity();
        }

        // Audio gathered so far belongs before this message: keep the order the browser sent.
        await FlushAudioAsync(flush: true, cancellationToken).ConfigureAwait(false);
        var item = command.Type switch
        {
            "text" => UpstreamItem.ForText(command.Text!),
            "image" => UpstreamItem.ForImage(command.MimeType!, command.Data!),
            "activityStart" => UpstreamItem.ForSignal(ClientSignal.ActivityStart),
            "activityEnd" => UpstreamItem.ForSignal(ClientSignal.ActivityEnd),
            _ => UpstreamItem.ForSignal(ClientSignal.AudioStreamEnd),
        };
        if (command.Type == "activityStart")
        {
            Interlocked.Exchange(ref _activityOpen, 1);
        }
        else if (command.Type == "activityEnd")
        {
            Interlocked.Exchange(ref _activityOpen, 0);
        }
        await EnqueueUpstreamAsync(item, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Refuses what Gemini would reject (closing the whole session with 1007): activity markers without
    /// <c>vad=manual</c>, audioStreamEnd with it, unbalanced markers, oversized or malformed images.
    /// </summary>
    private string? CheckCommand(BrowserCommand command) => command.Type switch
    {
        "activityStart" or "activityEnd" when !_setup.ManualActivity =>
            $"{command.Type} needs manual turn-taking: connect with ?vad=manual.",
        "activityStart" when Volatile.Read(ref _activityOpen) == 1 => "activityStart was already sent; send activityEnd first.",
        "activityEnd" when Volatile.Read(ref _activityOpen) == 0 => "activityEnd without an activityStart.",
        "audioStreamEnd" when _setup.ManualActivity => "audioStreamEnd is for automatic turn-taking; with vad=manual send activityEnd.",
        "image" => _images.Check(command.Data!),
        _ => null,
    };

    private async ValueTask FlushAudioAsync(bool flush, CancellationToken cancellationToken)
    {
        while (_chunker.TryTake(flush, out var rented, out var length))
        {
            await EnqueueUpstreamAsync(UpstreamItem.ForAudio(rented, length), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask EnqueueUpstreamAsync(UpstreamItem item, CancellationToken cancellationToken)
    {
        try
        {
            // Waits when full (before setup completes, or Gemini is slow): the browser's socket backs up instead
            // of audio being dropped.
            await _upstream.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The session is ending; this input can no longer reach anyone.
            item.Release();
        }
        catch
        {
            item.Release();
            throw;
        }
    }
}
