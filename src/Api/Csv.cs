using System.Text;

namespace Orchestration.Api;

/// <summary>RFC 4180 fields and records: CRLF line ends; a field holding a comma, quote, CR or LF is quoted
/// with its quotes doubled.</summary>
internal static class Csv
{
    public static string Record(IEnumerable<string> fields)
    {
        var builder = new StringBuilder();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            Field(builder, field);
        }

        return builder.Append("\r\n").ToString();
    }

    private static void Field(StringBuilder builder, string field)
    {
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            builder.Append(field);
            return;
        }

        builder.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
