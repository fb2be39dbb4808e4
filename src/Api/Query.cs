using Microsoft.AspNetCore.Http;
using Orchestration.Domain;

namespace Orchestration.Api;

/// <summary>Query-string parsing that answers problems instead of binding errors.</summary>
internal static class Query
{
    public static bool TryEnum<T>(string value, out T result)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(WireNames.Of(candidate), value, StringComparison.Ordinal))
            {
                result = candidate;
                return true;
            }
        }

        result = default;
        return false;
    }

    public static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(WireNames.Of));

    public static bool TryTop(HttpRequest request, ApiOptions options, out int top, out IResult problem) =>
        TryPageSize(request, "top", options, out top, out problem);

    /// <summary>A page size from the named parameter, the configured default when absent.</summary>
    public static bool TryPageSize(HttpRequest request, string name, ApiOptions options, out int top, out IResult problem)
    {
        problem = Results.Empty;
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            top = options.DefaultPageSize;
            return true;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out top) && top >= 1 && top <= options.MaxPageSize)
        {
            return true;
        }

        problem = Problems.Parameter(name, $"Give a whole number from 1 to {options.MaxPageSize}.");
        return false;
    }

    public static bool TryWait(HttpRequest request, ApiOptions options, out TimeSpan wait, out IResult problem)
    {
        problem = Results.Empty;
        wait = TimeSpan.Zero;
        var text = request.Query["wait"].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds <= options.MaxWaitSeconds)
        {
            wait = TimeSpan.FromSeconds(seconds);
            return true;
        }

        problem = Problems.Parameter("wait", $"Give whole seconds from 0 to {options.MaxWaitSeconds}.");
        return false;
    }

    public static string? Token(HttpRequest request) => request.Query["continuationToken"].ToString() is { Length: > 0 } token ? token : null;

    /// <summary>Echoes client text in a message at a bounded length.</summary>
    public static string Clip(string value) => value.Length <= 100 ? value : value[..100] + "...";
}
