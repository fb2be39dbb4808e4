namespace Orchestration.Domain.Validation;

/// <summary>One thing wrong with a document, located by a JSON path such as <c>tasks[2].inputs.repo</c>.</summary>
/// <param name="Path">Where the problem is, relative to the document root; <c>$</c> for the whole document.</param>
/// <param name="Message">A plain sentence saying what is wrong and, where it helps, what to do.</param>
public sealed record ValidationProblem(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Path.Length == 0 ? JsonPaths.Root : Path)}: {Message}";
}
