using System.Globalization;

namespace GeminiLiveRelay.Tools;

// The character level of the evaluator: numbers, names, whitespace and syntax errors.
internal sealed partial class ExpressionEvaluator
{
    private double ParseNumber()
    {
        var start = _pos;
        SkipDigits();
        if (Peek() == '.')
        {
            _pos++;
            SkipDigits();
        }

        // An exponent only when digits follow: "2e" is 2 followed by the constant e, which is then a syntax error.
        if (Peek() is 'e' or 'E' && (IsDigitAt(_pos + 1) || (Peek(1) is '+' or '-' && IsDigitAt(_pos + 2))))
        {
            _pos += char.IsAsciiDigit(Peek(1)) ? 1 : 2;
            SkipDigits();
        }

        var text = _text.AsSpan(start, _pos - start);
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            _pos = start;
            throw SyntaxError($"'{text}' is not a number");
        }

        return double.IsFinite(value) ? value : throw new ToolException($"The number '{text}' at position {start + 1} is too large.");
    }

    private string ReadName()
    {
        var start = _pos;
        while (char.IsAsciiLetterOrDigit(Peek()) || Peek() == '_')
        {
            _pos++;
        }

        return _text[start.._pos];
    }

    private void Expect(char expected, string message)
    {
        if (SkipWhitespace() != expected)
        {
            throw SyntaxError(message);
        }

        _pos++;
    }

    private ToolException SyntaxError(string detail) => new($"Syntax error at position {_pos + 1}: {detail}.");

    /// <summary>Moves past whitespace and returns the next character, '\0' at the end.</summary>
    private char SkipWhitespace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }

        return Peek();
    }

    private void SkipDigits()
    {
        while (char.IsAsciiDigit(Peek()))
        {
            _pos++;
        }
    }

    private char Peek(int offset = 0) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private bool IsDigitAt(int index) => index < _text.Length && char.IsAsciiDigit(_text[index]);
}
