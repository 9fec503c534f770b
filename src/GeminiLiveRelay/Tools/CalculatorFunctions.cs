using System.Collections.Frozen;

namespace GeminiLiveRelay.Tools;

/// <summary>The functions and constants <see cref="ExpressionEvaluator"/> knows (names are case-insensitive).</summary>
internal static class CalculatorFunctions
{
    public static readonly FrozenDictionary<string, double> Constants = new Dictionary<string, double>
    {
        ["pi"] = Math.PI,
        ["e"] = Math.E,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static readonly FrozenDictionary<string, CalculatorFunction> Functions = new Dictionary<string, CalculatorFunction>
    {
        ["sqrt"] = new(1, 1, static a => Math.Sqrt(a[0])),
        ["abs"] = new(1, 1, static a => Math.Abs(a[0])),
        ["round"] = new(1, 2, static a => Round(a)),
        ["floor"] = new(1, 1, static a => Math.Floor(a[0])),
        ["ceil"] = new(1, 1, static a => Math.Ceiling(a[0])),
        ["min"] = new(1, int.MaxValue, static a => a.Min()),
        ["max"] = new(1, int.MaxValue, static a => a.Max()),
        ["log"] = new(1, 1, static a => Math.Log(a[0])),
        ["log10"] = new(1, 1, static a => Math.Log10(a[0])),
        ["sin"] = new(1, 1, static a => Math.Sin(a[0])),
        ["cos"] = new(1, 1, static a => Math.Cos(a[0])),
        ["tan"] = new(1, 1, static a => Math.Tan(a[0])),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>"Known functions: abs, ceil, ...; constants: e, pi." for error messages.</summary>
    public static string Known { get; } =
        $"known functions: {string.Join(", ", Functions.Keys.Order(StringComparer.Ordinal))}; " +
        $"constants: {string.Join(", ", Constants.Keys.Order(StringComparer.Ordinal))}";

    // Half away from zero, as on a pocket calculator (Math.Round's default is banker's rounding: round(2.5) = 2),
    // and in decimal: the double nearest 1.005 is 1.00499999..., which a calculator shows, and rounds, as 1.005.
    private static double Round(double[] args)
    {
        var digits = args.Length == 1 ? 0 : args[1];
        if (digits != Math.Floor(digits) || digits is < 0 or > 15)
        {
            throw new ToolException("The second argument of round, the number of decimals, must be a whole number from 0 to 15.");
        }

        var value = args[0];
        return Math.Abs(value) < 1e27
            ? (double)Math.Round((decimal)value, (int)digits, MidpointRounding.AwayFromZero)
            : value; // beyond decimal's range a double has no fractional digits left to round
    }
}
