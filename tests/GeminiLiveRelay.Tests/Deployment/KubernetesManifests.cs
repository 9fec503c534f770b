using YamlDotNet.RepresentationModel;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>Every YAML document under deploy/kubernetes, parsed with YamlDotNet, and small helpers to walk them.</summary>
internal static class KubernetesManifests
{
    public static string Folder => RepositoryRoot.File("deploy", "kubernetes");

    /// <summary>File name → its documents.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<YamlMappingNode>> All { get; } = Load();

    /// <summary>The one document of this kind (and name) across all files.</summary>
    public static YamlMappingNode Kind(string kind) =>
        Assert.Single(All.Values.SelectMany(d => d), d => Scalar(d, "kind") == kind);

    public static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var child), $"No '{key}' in {mapping.Start}");
            node = child;
        }

        return node;
    }

    public static string? Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)Node(node, path)).Value;

    public static bool Has(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return false;
            }

            node = child;
        }

        return true;
    }

    public static IEnumerable<YamlMappingNode> Items(YamlNode node, params string[] path) =>
        ((YamlSequenceNode)Node(node, path)).Children.Cast<YamlMappingNode>();

    /// <summary>The first container of the Deployment's pod template.</summary>
    public static YamlMappingNode Container() => Items(Kind("Deployment"), "spec", "template", "spec", "containers").First();

    /// <summary>The container's plain <c>value:</c> environment variables.</summary>
    public static Dictionary<string, string?> Environment() => Items(Container(), "env")
        .Where(e => Has(e, "value"))
        .ToDictionary(e => Scalar(e, "name")!, e => Scalar(e, "value"));

    private static Dictionary<string, IReadOnlyList<YamlMappingNode>> Load()
    {
        var all = new Dictionary<string, IReadOnlyList<YamlMappingNode>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }

            all[Path.GetFileName(file)] = [.. stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode))];
        }

        return all;
    }
}
