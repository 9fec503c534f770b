using System.Text.Json;
using GeminiLiveRelay.Gemini;
using GeminiLiveRelay.Tools;
using Microsoft.Extensions.Options;

namespace GeminiLiveRelay.Relay;

/// <summary>
/// The server-side tools this relay offers the model (<c>Gemini:Tools</c>), their declarations for <c>setup</c>,
/// and how calls are run (timeout, blocking or not, response scheduling). Built once at start-up.
/// </summary>
internal sealed class ToolSet
{
    private readonly Dictionary<string, LiveTool> _enabled;

    public ToolSet(ToolCatalog catalog, ToolInvoker invoker, IOptions<GeminiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var value = options.Value;
        var errors = new List<string>();
        Invoker = invoker;
        Timeout = value.ToolTimeout;
        var behavior = WireEnum.ToolBehavior.ToWire(value.ToolBehavior, errors);
        // Only an explicit NON_BLOCKING lets mic audio flow during a call: streaming audio while the model waits
        // on a blocking call is a known cause of 1008 closes (and 2.5 models default to BLOCKING).
        HoldsInputDuringCalls = behavior != "NON_BLOCKING";
        Scheduling = behavior == "NON_BLOCKING" ? WireEnum.ToolResponseScheduling.ToWire(value.ToolResponseScheduling, errors) : null;
        _enabled = catalog.Resolve(value.Tools, out _).ToDictionary(t => t.Name, StringComparer.Ordinal);
        Declarations = [.. _enabled.Values.Select(tool => new FunctionDeclaration
        {
            Name = tool.Name,
            Description = tool.Description,
            // An immutable copy: the same declaration is serialised by many sessions at once.
            Parameters = tool.Parameters is null ? null : JsonDocument.Parse(tool.Parameters.ToJsonString()).RootElement.Clone(),
            Behavior = behavior,
        })];
    }

    public ToolInvoker Invoker { get; }

    public TimeSpan Timeout { get; }

    public bool HoldsInputDuringCalls { get; }

    public string? Scheduling { get; }

    public IReadOnlyList<FunctionDeclaration> Declarations { get; }

    /// <summary>An enabled tool by name; a tool that exists but is not enabled is not callable.</summary>
    public LiveTool? Find(string name) => _enabled.GetValueOrDefault(name);
}
