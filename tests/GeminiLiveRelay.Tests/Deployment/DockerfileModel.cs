namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>A Dockerfile read into its build stages (enough for the instructions this repository uses).</summary>
internal sealed class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<IReadOnlyList<DockerInstruction>> stages)
    {
        Stages = stages;
    }

    /// <summary>Each stage's instructions, its FROM first.</summary>
    public IReadOnlyList<IReadOnlyList<DockerInstruction>> Stages { get; }

    public IReadOnlyList<DockerInstruction> Final => Stages[^1];

    public static DockerfileModel Load(string path)
    {
        var stages = new List<List<DockerInstruction>>();
        foreach (var instruction in Instructions(File.ReadAllLines(path)))
        {
            if (instruction.Keyword == "FROM")
            {
                stages.Add([]);
            }

            Assert.True(stages.Count > 0, $"'{instruction.Keyword}' before the first FROM");
            stages[^1].Add(instruction);
        }

        return new DockerfileModel(stages);
    }

    /// <summary>The stage whose FROM line ends with <c>AS name</c>.</summary>
    public IReadOnlyList<DockerInstruction> Stage(string name) =>
        Stages.Single(s => s[0].Words is [_, var a, var n] && a.Equals("AS", StringComparison.OrdinalIgnoreCase) && n == name);

    private static IEnumerable<DockerInstruction> Instructions(IEnumerable<string> lines)
    {
        var pending = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue; // comments (and the syntax directive) may sit even inside a continued instruction
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var full = (pending + line).Trim();
            pending = "";
            if (full.Length > 0)
            {
                var space = full.IndexOf(' ', StringComparison.Ordinal);
                yield return new DockerInstruction(full[..space].ToUpperInvariant(), full[(space + 1)..].Trim());
            }
        }
    }
}
