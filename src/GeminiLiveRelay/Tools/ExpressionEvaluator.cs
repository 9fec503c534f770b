using System.Globalization;

namespace GeminiLiveRelay.Tools;

/// <summary>
/// Evaluates an arithmetic expression by recursive descent, computing while it parses. Hand-written on purpose: no
/// well-kept .NET package for safe expression evaluation is available here, and <c>DataTable.Compute</c> depends on
/// the current culture and evaluates a whole filter language the model's input should not reach.
/// </summary>
/// <remarks>
/// Grammar, loosest binding first (<c>-2^2</c> is -4 and <c>2^3^2</c> is 512, as in mathematics):
/// <code>
/// sum     = product (("+" | "-") product)*
/// product = unary (("*" | "/" | "%") unary)*
/// unary   = ("-" | "+") unary | power
/// power   = primary ("^" unary)?
/// primary = number | "(" sum ")" | constant | function "(" sum ("," sum)* ")"
/// </code>
/// Numbers use '.' and an optional exponent (<c>1.5e3</c>) in every culture. Positions in messages count from 1.
/// </remarks>
internal sealed partial class ExpressionEvaluator
{
    public const int MaxLength = 500;
    public const int MaxDepth = 64;

    private readonly string _text;
    private int _pos;
    private int _depth;

    private ExpressionEvaluator(string text) => _text = text;

    /// <summary>The value of <paramref name="expression"/>, rounded to 15 significant digits.</summary>
    /// <exception cref="ToolException">The expression is malformed or its value is not a finite number.</exception>
    public static double Evaluate(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.Length > MaxLength)
        {
            throw new ToolException($"The expression is too long ({expression.Length} characters; at most {MaxLength}).");
        }

        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new ToolException("The expression is empty.");
        }

        var evaluator = new ExpressionEvaluator(expression);
        var value = evaluator.ParseSum();
        evaluator.SkipWhitespace();
        if (evaluator._pos < expression.Length)
        {
            throw evaluator.SyntaxError($"unexpected '{expression[evaluator._pos]}', expected an operator or the end");
        }

        // 15 significant digits are what a double carries reliably: 0.1 + 0.2 is 0.3, as on a calculator. And no -0.
        var rounded = double.Parse(value.ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return rounded == 0 ? 0 : rounded;
    }

    private double ParseSum()
    {
        var value = ParseProduct();
        while (SkipWhitespace() is '+' or '-')
        {
            var at = _pos;
            var op = _text[_pos++];
            var right = ParseProduct();
            value = Checked(op == '+' ? value + right : value - right, op.ToString(), at);
        }

        return value;
    }

    private double ParseProduct()
    {
        var value = ParseUnary();
        while (SkipWhitespace() is '*' or '/' or '%')
        {
            var at = _pos;
            var op = _text[_pos++];
            var right = ParseUnary();
            if (op != '*' && right == 0)
            {
                throw new ToolException($"Division by zero at position {at + 1}.");
            }

            // '%' is the remainder with the sign of the dividend, as in C and JavaScript: -7 % 3 is -1.
            value = Checked(op switch { '*' => value * right, '/' => value / right, _ => value % right }, op.ToString(), at);
        }

        return value;
    }

    // Every recursion passes through here (parentheses, arguments, signs, exponents), so this is where depth counts.
    private double ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw new ToolException($"The expression is nested too deeply at position {_pos + 1} (at most {MaxDepth} levels).");
        }

        double value;
        if (SkipWhitespace() is '-' or '+')
        {
            var op = _text[_pos++];
            var operand = ParseUnary();
            value = op == '-' ? -operand : operand;
        }
        else
        {
            value = ParsePower();
        }

        _depth--;
        return value;
    }

    private double ParsePower()
    {
        var value = ParsePrimary();
        if (SkipWhitespace() != '^')
        {
            return value;
        }

        var at = _pos++;
        var exponent = ParseUnary(); // right-associative, and 2^-1 is 0.5
        return Checked(Math.Pow(value, exponent), "^", at);
    }

    private double ParsePrimary()
    {
        var c = SkipWhitespace();
        if (c == '(')
        {
            var open = _pos++;
            var value = ParseSum();
            Expect(')', $"missing ')' for the '(' at position {open + 1}");
            return value;
        }

        if (char.IsAsciiDigit(c) || c == '.')
        {
            return ParseNumber();
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            return ParseName();
        }

        throw SyntaxError(c == '\0' ? "the expression ends where a number was expected" : $"unexpected '{c}', expected a number");
    }

    private double ParseName()
    {
        var start = _pos;
        var name = ReadName();
        var isCall = SkipWhitespace() == '(';
        if (CalculatorFunctions.Functions.TryGetValue(name, out var function))
        {
            return isCall
                ? Call(name, function, start)
                : throw new ToolException($"'{name}' at position {start + 1} is a function: write {name.ToLowerInvariant()}(x).");
        }

        if (CalculatorFunctions.Constants.TryGetValue(name, out var constant))
        {
            return isCall ? throw new ToolException($"'{name}' at position {start + 1} is a constant, not a function.") : constant;
        }

        throw new ToolException($"Unknown name '{name}' at position {start + 1}; {CalculatorFunctions.Known}.");
    }

    private double Call(string name, CalculatorFunction function, int at)
    {
        var open = _pos++;
        var args = new List<double>();
        if (SkipWhitespace() != ')')
        {
            args.Add(ParseSum());
            while (SkipWhitespace() == ',')
            {
                _pos++;
                args.Add(ParseSum());
            }
        }

        Expect(')', $"missing ')' for the '(' at position {open + 1}");
        if (args.Count < function.MinArgs || args.Count > function.MaxArgs)
        {
            var expected = function.MaxArgs == int.MaxValue ? $"at least {function.MinArgs}"
                : function.MinArgs == function.MaxArgs ? $"{function.MinArgs}" : $"{function.MinArgs} or {function.MaxArgs}";
            throw new ToolException($"'{name}' at position {at + 1} takes {expected} argument(s), not {args.Count}.");
        }

        return Checked(function.Apply([.. args]), name, at);
    }

    // Checked after every step: an overflow must not hide behind a later step (1 / 10^400 is not 0).
    private static double Checked(double value, string what, int at) =>
        double.IsFinite(value) ? value
        : throw new ToolException(double.IsNaN(value)
            ? $"The result of '{what}' at position {at + 1} is not a real number."
            : $"The result of '{what}' at position {at + 1} is not finite.");
}
