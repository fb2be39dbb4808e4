using System.Text;

namespace Orchestration.Api.Queue;

/// <summary>Makes text safe to put in a reason: clipped, one line, no control characters.</summary>
public static class QueueText
{
    /// <summary>Clips <paramref name="text"/> to <paramref name="max"/> characters (then an ellipsis) and
    /// replaces control characters with <c>?</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="max">The most characters kept.</param>
    /// <returns>The clipped text.</returns>
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
