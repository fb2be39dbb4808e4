using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>JSON text exactly as JavaScript's <c>JSON.stringify</c> writes it (runner-lib.js), so result.json is byte for byte the script runner's.</summary>
/// <remarks>
/// What differs from System.Text.Json's writer: no escaping of non-ASCII or HTML characters, <c>\u00XX</c>
/// in lowercase hex for other control characters, JavaScript's number formatting (shortest round trip,
/// exponent only outside 1e-7..1e21), and object keys in JavaScript's order (array-index keys first,
/// ascending; then first insertion; a repeated key keeps its first place and its last value).
/// </remarks>
internal static class JsJson
{
    /// <summary>Appends a string literal.</summary>
    public static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < 0x20 || (char.IsSurrogate(c) && !IsPairAt(value, i)))
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c))
                    {
                        text.Append(c).Append(value[++i]);
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    /// <summary>A string as a JSON literal.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2);
        WriteString(text, value);
        return text.ToString();
    }

    /// <summary>JavaScript's <c>Number.prototype.toString()</c> of a finite double.</summary>
    public static string Number(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        var negative = value < 0;
        var round = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = round.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? round : round[..e];
        var exponent = e < 0 ? 0 : int.Parse(round[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var pointAt = (dot < 0 ? mantissa.Length : dot) + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
            pointAt--;
        }

        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        // ECMA-262 Number::toString: k digits, value = digits x 10^(n - k).
        var k = digits.Length;
        var n = pointAt;
        string body;
        if (k <= n && n <= 21)
        {
            body = digits + new string('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            body = digits[..n] + "." + digits[n..];
        }
        else if (-6 < n && n <= 0)
        {
            body = "0." + new string('0', -n) + digits;
        }
        else
        {
            var power = n - 1;
            var sign = power < 0 ? "-" : "+";
            body = (k == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + sign + Math.Abs(power).ToString(CultureInfo.InvariantCulture);
        }

        return negative ? "-" + body : body;
    }

    /// <summary>Appends a parsed JSON value as <c>JSON.stringify(JSON.parse(text))</c> would.</summary>
    public static void WriteElement(StringBuilder text, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var first = true;
                foreach (var (name, value) in OrderedMembers(element))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(text, name);
                    text.Append(':');
                    WriteElement(text, value);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        text.Append(',');
                    }

                    WriteElement(text, item);
                }

                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(text, element.GetString()!);
                break;
            case JsonValueKind.Number:
                var number = double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
                text.Append(double.IsFinite(number) ? Number(number) : "null");
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            default:
                text.Append("null");
                break;
        }
    }

    /// <summary>A parsed value as text (<c>JSON.stringify</c>).</summary>
    public static string Stringify(JsonElement element)
    {
        var text = new StringBuilder();
        WriteElement(text, element);
        return text.ToString();
    }

    /// <summary>The members of an object in JavaScript's property order, duplicates resolved as <c>JSON.parse</c> does.</summary>
    public static List<(string Name, JsonElement Value)> OrderedMembers(JsonElement element)
    {
        var members = new List<(string Name, JsonElement Value)>();
        var at = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (at.TryGetValue(property.Name, out var i))
            {
                members[i] = (property.Name, property.Value);
            }
            else
            {
                at[property.Name] = members.Count;
                members.Add((property.Name, property.Value));
            }
        }

        return OrderKeys(members, m => m.Name);
    }

    /// <summary>Keys in JavaScript's property order: array-index keys first, ascending, then the rest as inserted.</summary>
    public static List<T> OrderKeys<T>(List<T> items, Func<T, string> key)
    {
        var indices = items.Where(m => ArrayIndex(key(m)) is not null).OrderBy(m => ArrayIndex(key(m))).ToList();
        return indices.Count == 0 ? items : [.. indices, .. items.Where(m => ArrayIndex(key(m)) is null)];
    }

    /// <summary>JavaScript's <c>String(value)</c> of a JSON value (template literals, <c>Array.prototype.join</c>).</summary>
    public static string ToJsString(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number => Number(element.GetDouble()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => string.Join(',', element.EnumerateArray().Select(e => e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? string.Empty : ToJsString(e))),
        _ => "[object Object]",
    };

    /// <summary>JavaScript truthiness of a JSON value.</summary>
    public static bool Truthy(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Length > 0,
        JsonValueKind.Number => element.GetDouble() != 0,
        JsonValueKind.True or JsonValueKind.Object or JsonValueKind.Array => true,
        _ => false,
    };

    private static uint? ArrayIndex(string name) =>
        name.Length > 0 && (name == "0" || name[0] != '0') && name.All(char.IsAsciiDigit)
        && uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index != uint.MaxValue
            ? index
            : null;

    private static bool IsPairAt(string value, int i) =>
        char.IsHighSurrogate(value[i]) ? i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) : i > 0 && char.IsHighSurrogate(value[i - 1]);
}
