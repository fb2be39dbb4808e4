using System.Diagnostics.CodeAnalysis;
using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Validation;

/// <summary>A parsed batch document and the problems found reading it.</summary>
/// <remarks>With shape problems (unknown fields, wrong types) the document is still returned without the
/// offending values, so rule checks can run on the rest and every problem is reported at once.</remarks>
public sealed record ParseResult
{
    private ParseResult(BatchDocument? document, IReadOnlyList<ValidationProblem> problems, IReadOnlyList<string> dropped)
    {
        Document = document;
        Problems = problems;
        Dropped = dropped;
    }

    /// <summary>The document (without values that had the wrong type), or null when nothing could be read.</summary>
    public BatchDocument? Document { get; }

    /// <summary>Syntax and shape problems; empty when the document read cleanly.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }

    /// <summary>Paths whose value was left out of <see cref="Document"/> because of a problem.</summary>
    public IReadOnlyList<string> Dropped { get; }

    /// <summary>Whether the document read without any problem.</summary>
    [MemberNotNullWhen(true, nameof(Document))]
    public bool Succeeded => Document is not null && Problems.Count == 0;

    /// <summary>A document, possibly with shape problems.</summary>
    /// <param name="document">The document.</param>
    /// <param name="problems">Shape problems.</param>
    /// <param name="dropped">Paths of values left out.</param>
    /// <returns>The result.</returns>
    public static ParseResult Parsed(BatchDocument document, IReadOnlyList<ValidationProblem> problems, IReadOnlyList<string> dropped) => new(document, problems, dropped);

    /// <summary>Nothing could be read.</summary>
    /// <param name="problems">What went wrong.</param>
    /// <param name="dropped">Paths of values left out.</param>
    /// <returns>The result.</returns>
    public static ParseResult Failed(IReadOnlyList<ValidationProblem> problems, IReadOnlyList<string> dropped) => new(null, problems, dropped);
}
