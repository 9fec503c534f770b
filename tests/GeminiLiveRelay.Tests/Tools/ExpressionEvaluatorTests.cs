using GeminiLiveRelay.Tools;

namespace GeminiLiveRelay.Tests.Tools;

public sealed class ExpressionEvaluatorTests
{
    [Theory]
    // Numbers and whitespace
    [InlineData("42", 42)]
    [InlineData("  3.25 ", 3.25)]
    [InlineData(".5", 0.5)]
    [InlineData("1.5e3", 1500)]
    [InlineData("2E-2", 0.02)]
    [InlineData("\t1 +\n2\r\n", 3)]
    // Precedence and associativity
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("100 / 10 / 5", 2)]
    [InlineData("7 % 3", 1)]
    [InlineData("-7 % 3", -1)]
    [InlineData("2 + 10 % 4 * 3", 8)]
    [InlineData("2^10", 1024)]
    [InlineData("2^3^2", 512)]
    [InlineData("(2^3)^2", 64)]
    [InlineData("2*3^2", 18)]
    [InlineData("2^-1", 0.5)]
    [InlineData("4^0.5", 2)]
    // Signs
    [InlineData("-3", -3)]
    [InlineData("--3", 3)]
    [InlineData("+3", 3)]
    [InlineData("-2^2", -4)]
    [InlineData("(-2)^2", 4)]
    [InlineData("3 - -2", 5)]
    [InlineData("2 * -3", -6)]
    [InlineData("-(1 + 2)", -3)]
    [InlineData("-0", 0)]
    // Functions and constants (names are case-insensitive)
    [InlineData("sqrt(16)", 4)]
    [InlineData("abs(-2.5)", 2.5)]
    [InlineData("round(2.5)", 3)]
    [InlineData("round(-2.5)", -3)]
    [InlineData("round(3.14159, 2)", 3.14)]
    [InlineData("round(1.005, 2)", 1.01)]
    [InlineData("round(-1.005, 2)", -1.01)]
    [InlineData("round(1234.5678, 0)", 1235)]
    [InlineData("round(1e30)", 1e30)]
    [InlineData("floor(-1.5)", -2)]
    [InlineData("ceil(1.2)", 2)]
    [InlineData("min(3, 1, 2)", 1)]
    [InlineData("max(3, 1, 2)", 3)]
    [InlineData("max(7)", 7)]
    [InlineData("log(e)", 1)]
    [InlineData("log10(1000)", 3)]
    [InlineData("sin(0)", 0)]
    [InlineData("cos(pi)", -1)]
    [InlineData("tan(pi / 4)", 1)]
    [InlineData("2 * pi", 6.28318530717959)]
    [InlineData("PI", 3.14159265358979)]
    [InlineData("Sqrt( 9 )", 3)]
    [InlineData("sqrt (9)", 3)]
    [InlineData("max(1, min(5, 3) * 2, sqrt(4))", 6)]
    // The brief's example and calculator-style rounding
    [InlineData("2*(3+4)^2 / 7 - sqrt(16)", 10)]
    [InlineData("0.1 + 0.2", 0.3)]
    [InlineData("1 / 3", 0.333333333333333)]
    [InlineData("19.99 * 3", 59.97)]
    public void Evaluate_ValidExpression_ReturnsValue(string expression, double expected)
    {
        Assert.Equal(expected, ExpressionEvaluator.Evaluate(expression));
    }

    [Fact]
    public void Evaluate_NegativeZero_ReturnsPositiveZero()
    {
        var value = ExpressionEvaluator.Evaluate("-0 * 5");

        Assert.False(double.IsNegative(value));
    }

    [Theory]
    [InlineData("1 +", "Syntax error at position 4")]
    [InlineData("(1 + 2", "Syntax error at position 7: missing ')' for the '(' at position 1")]
    [InlineData("1 + 2)", "Syntax error at position 6: unexpected ')'")]
    [InlineData("2 3", "Syntax error at position 3: unexpected '3'")]
    [InlineData("2pi", "Syntax error at position 2: unexpected 'p'")]
    [InlineData("1,000", "Syntax error at position 2: unexpected ','")]
    [InlineData("1.2.3", "Syntax error at position 4: unexpected '.'")]
    [InlineData("*2", "Syntax error at position 1: unexpected '*'")]
    [InlineData(".", "Syntax error at position 1: '.' is not a number")]
    [InlineData("sqrt(4", "Syntax error at position 7: missing ')' for the '(' at position 5")]
    [InlineData("1 / 0", "Division by zero at position 3")]
    [InlineData("5 % (2 - 2)", "Division by zero at position 3")]
    [InlineData("2 * foo", "Unknown name 'foo' at position 5; known functions: abs, ceil, cos, floor, log, log10, max, min, round, sin, sqrt, tan; constants: e, pi")]
    [InlineData("sqrt", "'sqrt' at position 1 is a function: write sqrt(x)")]
    [InlineData("pi(2)", "'pi' at position 1 is a constant, not a function")]
    [InlineData("sqrt(1, 2)", "'sqrt' at position 1 takes 1 argument(s), not 2")]
    [InlineData("round()", "'round' at position 1 takes 1 or 2 argument(s), not 0")]
    [InlineData("max()", "'max' at position 1 takes at least 1 argument(s), not 0")]
    [InlineData("round(2.5, 1.5)", "must be a whole number from 0 to 15")]
    [InlineData("sqrt(-1)", "The result of 'sqrt' at position 1 is not a real number")]
    [InlineData("log(0)", "The result of 'log' at position 1 is not finite")]
    [InlineData("10^400", "The result of '^' at position 3 is not finite")]
    [InlineData("1 / 10^400", "The result of '^' at position 7 is not finite")]
    [InlineData("1e200 * 1e200", "The result of '*' at position 7 is not finite")]
    [InlineData("(-8)^(1/3)", "The result of '^' at position 5 is not a real number")]
    [InlineData("1e999", "The number '1e999' at position 1 is too large")]
    [InlineData("", "The expression is empty")]
    [InlineData("   ", "The expression is empty")]
    public void Evaluate_InvalidExpression_ThrowsToolExceptionWithPosition(string expression, string expectedMessage)
    {
        var exception = Assert.Throws<ToolException>(() => ExpressionEvaluator.Evaluate(expression));

        Assert.Contains(expectedMessage, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MaxLength_IsAccepted()
    {
        var expression = "1" + string.Concat(Enumerable.Repeat("+1", (ExpressionEvaluator.MaxLength - 1) / 2));
        expression = expression.PadRight(ExpressionEvaluator.MaxLength);

        Assert.Equal(250, ExpressionEvaluator.Evaluate(expression));
    }

    [Fact]
    public void Evaluate_LongerThanMaxLength_ThrowsBeforeParsing()
    {
        var expression = new string(' ', ExpressionEvaluator.MaxLength) + "1";

        var exception = Assert.Throws<ToolException>(() => ExpressionEvaluator.Evaluate(expression));

        Assert.Equal("The expression is too long (501 characters; at most 500).", exception.Message);
    }

    [Theory]
    [InlineData(63)]
    [InlineData(64)]
    public void Evaluate_NestingUpToMaxDepth_IsAccepted(int levels)
    {
        // The number itself is one level; each pair of parentheses adds one.
        var expression = new string('(', levels - 1) + "7" + new string(')', levels - 1);

        Assert.Equal(7, ExpressionEvaluator.Evaluate(expression));
    }

    [Fact]
    public void Evaluate_OneLevelBeyondMaxDepth_Throws()
    {
        var expression = new string('(', ExpressionEvaluator.MaxDepth) + "7" + new string(')', ExpressionEvaluator.MaxDepth);

        var exception = Assert.Throws<ToolException>(() => ExpressionEvaluator.Evaluate(expression));

        Assert.Equal("The expression is nested too deeply at position 65 (at most 64 levels).", exception.Message);
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("-", "")]
    [InlineData("sqrt(", ")")]
    [InlineData("2^", "")]
    public void Evaluate_NestingBeyondMaxDepth_Throws(string open, string close)
    {
        var expression = string.Concat(Enumerable.Repeat(open, 70)) + "4" + string.Concat(Enumerable.Repeat(close, 70));

        var exception = Assert.Throws<ToolException>(() => ExpressionEvaluator.Evaluate(expression));

        Assert.Contains("nested too deeply", exception.Message, StringComparison.Ordinal);
    }
}
