using System.Diagnostics;
using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Observability;

/// <summary>
/// The relay's spans (source <c>GeminiLiveRelay</c>), children of the <c>/live</c> request's span. Static, as an
/// <see cref="ActivitySource"/> is meant to be: with no listener (no OTLP endpoint) StartActivity returns null and
/// costs next to nothing. Attribute names follow the OpenTelemetry GenAI conventions where one fits.
/// </summary>
internal static class RelayTracing
{
    public const string SourceName = "GeminiLiveRelay";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Connect, <c>setup</c> and <c>setupComplete</c> of one Gemini connection (the first, or a resumption).</summary>
    public static Activity? StartSetup(string sessionId, bool resuming)
    {
        var activity = Source.StartActivity("gemini_live setup", ActivityKind.Client);
        activity?.SetTag("gen_ai.provider.name", "gcp.gemini");
        activity?.SetTag("gemini_live_relay.session_id", sessionId);
        activity?.SetTag("gemini_live_relay.resuming", resuming);
        return activity;
    }

    /// <summary>Marks a setup span that ended without a session (the connector's error code: unavailable, setup_timeout…).</summary>
    public static void SetupFailed(Activity? activity, string code)
    {
        activity?.SetTag("error.type", code);
        activity?.SetStatus(ActivityStatusCode.Error, code);
    }

    /// <summary>A setup span that ended with a session on <paramref name="model"/> (backend: gemini or echo).</summary>
    public static void SetupSucceeded(Activity? activity, string model, string backend)
    {
        activity?.SetTag("gen_ai.request.model", model);
        activity?.SetTag("gemini_live_relay.backend", backend);
    }

    /// <summary>One function call the model asked for, run on the server.</summary>
    public static Activity? StartToolCall(string name, string id)
    {
        var activity = Source.StartActivity("execute_tool " + name, ActivityKind.Internal);
        activity?.SetTag("gen_ai.operation.name", "execute_tool");
        activity?.SetTag("gen_ai.tool.name", name);
        activity?.SetTag("gen_ai.tool.call.id", id);
        return activity;
    }

    public static void ToolCallFinished(Activity? activity, ToolResponse response, bool cancelled)
    {
        if (activity is null)
        {
            return;
        }

        var outcome = MetricTags.ToolOutcome(response, cancelled);
        activity.SetTag("gemini_live_relay.tool.outcome", outcome);
        if (outcome is "error" or "timeout")
        {
            activity.SetTag("error.type", outcome);
            activity.SetStatus(ActivityStatusCode.Error, response.Error);
        }
    }
}
