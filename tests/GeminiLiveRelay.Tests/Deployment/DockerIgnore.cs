using System.Text.RegularExpressions;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>
/// The .dockerignore rules: a path is left out of the build context when the last pattern matching it (or one of
/// its parent folders) is not a <c>!</c> exception. Supports <c>*</c>, <c>?</c>, <c>**</c> and trailing slashes.
/// </summary>
internal sealed class DockerIgnore(IReadOnlyList<(Regex Pattern, bool Exception)> rules)
{
    public static DockerIgnore Load(string path) => new([.. File.ReadAllLines(path)
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.StartsWith('!') ? (ToRegex(line[1..]), true) : (ToRegex(line), false))]);

    /// <summary>Whether a repository-relative path (forward slashes) is sent to the Docker daemon.</summary>
    public bool InContext(string path)
    {
        var excluded = false;
        var parts = path.Trim('/').Split('/');
        for (var depth = 1; depth <= parts.Length; depth++)
        {
            var prefix = string.Join('/', parts[..depth]);
            foreach (var (pattern, exception) in rules)
            {
                if (pattern.IsMatch(prefix))
                {
                    excluded = !exception;
                }
            }
        }

        return !excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var body = Regex.Escape(pattern.Trim('/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex("^" + body + "$", RegexOptions.CultureInvariant);
    }
}
