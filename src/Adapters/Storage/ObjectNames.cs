using System.Text;

namespace Orchestration.Adapters.Storage;

/// <summary>Object name rules shared by the stores (the GCS ones: 1-1024 UTF-8 bytes, no CR/LF, not . or ..).</summary>
internal static class ObjectNames
{
    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes is 0 or > 1024 || name is "." or ".." || name.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"Invalid object name '{name}'.", nameof(name));
        }
    }
}
