using System.Text;

namespace Orchestration.Api.Queue;

/// <summary>Makes text safe to put in a reason: clipped, one line, no control characters.</summary>
internal static class QueueText
{
    public static string Clip(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max + 1));
        foreach (var c in text)
        {
            if (builder.Length == max)
            {
                return builder.Append('…').ToString();
            }

            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }
}
