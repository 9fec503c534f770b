namespace GeminiLiveRelay.Tools;

/// <summary>A calculator function taking from <paramref name="MinArgs"/> to <paramref name="MaxArgs"/> arguments.</summary>
internal sealed record CalculatorFunction(int MinArgs, int MaxArgs, Func<double[], double> Apply);
