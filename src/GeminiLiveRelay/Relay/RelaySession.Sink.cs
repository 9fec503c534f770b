using GeminiLiveRelay.Observability;
using System.Net.WebSockets;
using System.Threading.Channels;
using GeminiLiveRelay.Browser;
using GeminiLiveRelay.Gemini;

namespace GeminiLiveRelay.Relay;

// What the live session reports (the IGeminiEventSink side): model audio and events become queued browser frames;
// tool calls start running; usage, grounding, resumption and goAway update the session.
internal sealed partial class RelaySession
{
    public async ValueTask OnAudioAsync(ReadOnlyMemory<byte> pcm24k, CancellationToken cancellationToken)
    {
        _generating = true;
        _turns?.ModelAudio();
        if (!await WaitForBrowserToDrainAsync(cancellationToken).ConfigureAwait(false))
        {
            // The browser is not reading: never let one slow client grow server memory.
            Interlocked.Add(ref _stats.AudioBytesDropped, pcm24k.Length);
            _metrics?.FrameDropped(DroppedFrame.BrowserBacklog);
            Trip(RelayEnd.BrowserTooSlow);
            return;
        }

        Interlocked.Add(ref _downstreamAudioBytes, pcm24k.Length);

        var rented = FrameBuffers.Pool.Rent(pcm24k.Length);
        pcm24k.Span.CopyTo(rented);
        try
        {
            await _downstream.Writer.WriteAsync(
                DownstreamItem.ForAudio(rented, pcm24k.Length, Volatile.Read(ref _generation)), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            FrameBuffers.Pool.Return(rented);
            throw;
        }
    }

    public async ValueTask OnEventAsync(GeminiEvent geminiEvent, CancellationToken cancellationToken)
    {
        var json = geminiEvent switch
        {
            InputTranscript t => BrowserEvents.Encode(new TextEvent("inputTranscript", t.Text)),
            OutputTranscript t => BrowserEvents.Encode(new TextEvent("outputTranscript", t.Text)),
            ModelText t => BrowserEvents.Encode(new TextEvent("text", t.Text)),
            GenerationComplete => BrowserEvents.GenerationComplete,
            TurnComplete => BrowserEvents.TurnComplete,
            Interrupted => BrowserEvents.Interrupted,
            _ => null,
        };

        switch (geminiEvent)
        {
            case OutputTranscript or ModelText:
                _generating = true;
                break;
            case TurnComplete:
                _generating = false;
                _userSpeaking = false;
                _turns?.ModelTurnEnded();
                break;
            case InputTranscript:
                _userSpeaking = true;
                _turns?.UserHeard();
                break;
            case ResumptionUpdate update:
                OnResumptionUpdate(update);
                return;
            case GoAway goAway:
                _goAway.TrySetResult(goAway.TimeLeft);
                return;
            case Interrupted:
                _generating = false;
                _metrics?.Interrupted();
                _turns?.ModelTurnEnded();
                // Audio of the interrupted turn still queued is skipped by the send loop, so this event overtakes it.
                Interlocked.Increment(ref _generation);
                break;
            case ToolCall toolCall:
                await StartToolCallsAsync(toolCall, cancellationToken).ConfigureAwait(false);
                return;
            case ToolCallCancellation cancellation:
                _tools?.Cancel(cancellation.Ids);
                return;
            case Usage usage:
                _stats.Add(usage);
                _metrics?.TokensUsed(usage);
                json = BrowserEvents.Encode(new UsageEvent(usage.PromptTokens, usage.ResponseTokens, usage.TotalTokens,
                    usage.PromptByModality, usage.ResponseByModality)
                {
                    ThoughtsTokenCount = usage.ThoughtsTokens == 0 ? null : usage.ThoughtsTokens,
                    CachedContentTokenCount = usage.CachedTokens == 0 ? null : usage.CachedTokens,
                    ToolUsePromptTokenCount = usage.ToolUsePromptTokens == 0 ? null : usage.ToolUsePromptTokens,
                });
                break;
            case Grounding grounding:
                json = BrowserEvents.Encode(new GroundingEvent(
                    [.. grounding.Sources.Select(source => new GroundingSourceInfo(source.Title, source.Uri))], grounding.Queries));
                break;
        }

        if (json is not null)
        {
            await _downstream.Writer.WriteAsync(DownstreamItem.ForEvent(json), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Queues an event from outside the Gemini reader (errors); never blocks.</summary>
    private void PostEvent(byte[] json)
    {
        if (!_downstream.Writer.TryWrite(DownstreamItem.ForEvent(json)) && Volatile.Read(ref _closing) == 0)
        {
            Log.EventDropped(_logger, json.Length);
            _metrics?.FrameDropped(DroppedFrame.BrowserQueueFull);
        }
    }

    private async ValueTask StartToolCallsAsync(ToolCall toolCall, CancellationToken cancellationToken)
    {
        // The whole batch holds the input: a fast first call must not release it while the model waits on the next.
        _tools?.BeginBatch();
        try
        {
            foreach (var call in toolCall.Calls)
            {
                _stats.ToolCalls++;
                await _downstream.Writer.WriteAsync(
                    DownstreamItem.ForEvent(BrowserEvents.Encode(new ToolCallEvent(call.Id, call.Name, call.Args))), cancellationToken).ConfigureAwait(false);
                if (_tools is null)
                {
                    // No tools are enabled, so none were declared: answer anyway, the model must never wait forever.
                    Log.UnexpectedToolCall(_logger, call.Name);
                    var refusal = new Tools.ToolResponse(call.Id, call.Name, null, $"unknown function '{call.Name}'", null);
                    _unexpectedToolResponses.Enqueue(refusal);
                    OnToolFinished(refusal, cancelled: false);
                    continue;
                }

                _tools.Start(call);
            }
        }
        finally
        {
            _tools?.EndBatch();
        }
    }

    private void OnToolFinished(Tools.ToolResponse response, bool cancelled)
    {
        _metrics?.ToolCallFinished(response, cancelled);
        PostEvent(BrowserEvents.Encode(new ToolResultEvent(response.Id, response.Name, response.Ok && !cancelled, Math.Round(response.DurationMs, 1))
        {
            Error = cancelled ? null : response.Error,
            Cancelled = cancelled ? true : null,
        }));
        // Wake the Gemini writer if it is waiting on browser input rather than on the tools.
        _upstream.Writer.TryWrite(UpstreamItem.Wake);
    }
}
