namespace Orchestration.Domain.Validation;

/// <summary>A normalised batch and its hash, or the problems that kept the document out.</summary>
public sealed record IntakeResult
{
    private IntakeResult(Batch? batch, string? hash, IReadOnlyList<ValidationProblem> problems)
    {
        Batch = batch;
        Hash = hash;
        Problems = problems;
    }

    /// <summary>The batch when the document was valid.</summary>
    public Batch? Batch { get; }

    /// <summary>The SHA-256 of the batch's canonical JSON when valid.</summary>
    public string? Hash { get; }

    /// <summary>Every problem when invalid; empty when valid.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }

    /// <summary>Whether the document was valid.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Batch), nameof(Hash))]
    public bool IsValid => Batch is not null;

    /// <summary>A valid result.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="hash">Its hash.</param>
    /// <returns>The result.</returns>
    public static IntakeResult Valid(Batch batch, string hash) => new(batch, hash, []);

    /// <summary>An invalid result.</summary>
    /// <param name="problems">At least one problem.</param>
    /// <returns>The result.</returns>
    public static IntakeResult Invalid(IReadOnlyList<ValidationProblem> problems) => new(null, null, problems);
}
