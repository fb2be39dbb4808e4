namespace Orchestration.Server.Remote;

/// <summary>Which run rows a command asks for, and how many per request.</summary>
/// <param name="Task">Only this task, or null.</param>
/// <param name="Outcome">Only this outcome (passed, failed, errored, timedOut, cancelled), or null.</param>
/// <param name="PageSize">Rows per request, or null for the server's default.</param>
internal sealed record RunFilter(string? Task = null, string? Outcome = null, int? PageSize = null)
{
    /// <summary>The query string of one judged-order page (<c>after</c>, <c>limit</c>).</summary>
    public string JudgedQuery(string format, string after)
    {
        var parts = new List<string> { "format=" + format, "after=" + Uri.EscapeDataString(after) };
        if (Task is not null)
        {
            parts.Add("task=" + Uri.EscapeDataString(Task));
        }

        if (Outcome is not null)
        {
            parts.Add("outcome=" + Uri.EscapeDataString(Outcome));
        }

        if (PageSize is { } limit)
        {
            parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"limit={limit}"));
        }

        return "?" + string.Join('&', parts);
    }

    /// <summary>The query string for a format and continuation token.</summary>
    public string Query(string format, string? continuationToken)
    {
        var parts = new List<string> { "format=" + format };
        if (Task is not null)
        {
            parts.Add("task=" + Uri.EscapeDataString(Task));
        }

        if (Outcome is not null)
        {
            parts.Add("outcome=" + Uri.EscapeDataString(Outcome));
        }

        if (PageSize is { } top)
        {
            parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"top={top}"));
        }

        if (continuationToken is not null)
        {
            parts.Add("continuationToken=" + Uri.EscapeDataString(continuationToken));
        }

        return "?" + string.Join('&', parts);
    }
}
