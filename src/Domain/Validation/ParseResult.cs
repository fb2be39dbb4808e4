using System.Diagnostics.CodeAnalysis;
using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Validation;

/// <summary>A parsed batch document, or the problem that kept it from parsing.</summary>
public sealed record ParseResult
{
    private ParseResult(BatchDocument? document, ValidationProblem? problem)
    {
        Document = document;
        Problem = problem;
    }

    /// <summary>The document when parsing succeeded.</summary>
    public BatchDocument? Document { get; }

    /// <summary>The problem when parsing failed.</summary>
    public ValidationProblem? Problem { get; }

    /// <summary>Whether the document parsed.</summary>
    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Document is not null;

    /// <summary>A success.</summary>
    /// <param name="document">The document.</param>
    /// <returns>The result.</returns>
    public static ParseResult Parsed(BatchDocument document) => new(document, null);

    /// <summary>A failure.</summary>
    /// <param name="problem">What went wrong.</param>
    /// <returns>The result.</returns>
    public static ParseResult Failed(ValidationProblem problem) => new(null, problem);
}
