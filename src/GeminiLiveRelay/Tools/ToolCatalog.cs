using System.Text.RegularExpressions;

namespace GeminiLiveRelay.Tools;

/// <summary>
/// Every registered <see cref="LiveTool"/> by name. The configuration picks the enabled ones through
/// <see cref="Resolve"/>; calls from the model are matched with <see cref="Find"/>.
/// </summary>
internal sealed partial class ToolCatalog
{
    private readonly Dictionary<string, LiveTool> _byName = new(StringComparer.Ordinal);

    // Configuration keys are case-insensitive in .NET, so names typed into Gemini:Tools are too.
    private readonly Dictionary<string, LiveTool> _byConfiguredName = new(StringComparer.OrdinalIgnoreCase);

    public ToolCatalog(IEnumerable<LiveTool> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var all = new List<LiveTool>();
        foreach (var tool in tools)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            var name = tool.Name;
            if (name is null || !NamePattern().IsMatch(name))
            {
                throw new InvalidOperationException(
                    $"The tool {tool.GetType().Name} has the invalid name '{name}': a function name starts with a letter or '_' and has at most 64 letters, digits or '_'.");
            }

            // Names that differ only in case would be one name to the configuration and ambiguous to the model.
            if (_byConfiguredName.TryGetValue(name, out var existing))
            {
                throw new InvalidOperationException(
                    $"The tools {existing.GetType().Name} and {tool.GetType().Name} are both named '{name}'; every tool needs a unique name.");
            }

            _byName.Add(name, tool);
            _byConfiguredName.Add(name, tool);
            all.Add(tool);
        }

        All = all;
    }

    /// <summary>Every registered tool, in registration order.</summary>
    public IReadOnlyList<LiveTool> All { get; }

    /// <summary>The tool the model called, by its exact declared name; null when there is none.</summary>
    public LiveTool? Find(string name) => name is not null && _byName.TryGetValue(name, out var tool) ? tool : null;

    /// <summary>
    /// The tools named in <paramref name="enabledNames"/> (case-insensitive, blanks and repeats ignored) in that
    /// order; names no tool has are returned in <paramref name="unknownNames"/> so start-up can reject them.
    /// </summary>
    public IReadOnlyList<LiveTool> Resolve(IEnumerable<string> enabledNames, out IReadOnlyList<string> unknownNames)
    {
        ArgumentNullException.ThrowIfNull(enabledNames);
        var resolved = new List<LiveTool>();
        var unknown = new List<string>();
        foreach (var entry in enabledNames)
        {
            var name = entry?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            if (!_byConfiguredName.TryGetValue(name, out var tool))
            {
                if (!unknown.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    unknown.Add(name);
                }
            }
            else if (!resolved.Contains(tool))
            {
                resolved.Add(tool);
            }
        }

        unknownNames = unknown;
        return resolved;
    }

    // \z, not $: '$' would also accept a name ending in a newline.
    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
