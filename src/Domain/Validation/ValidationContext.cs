namespace Orchestration.Domain.Validation;

/// <summary>Collects problems during one validation pass.</summary>
internal sealed class ValidationContext(BatchLimits limits, BatchDefaults defaults)
{
    private readonly List<ValidationProblem> _problems = [];

    public BatchLimits Limits { get; } = limits;

    public BatchDefaults Defaults { get; } = defaults;

    /// <summary>Decoded bytes of inline inputs seen so far, across the whole document.</summary>
    public long InlineBytes { get; set; }

    public IReadOnlyList<ValidationProblem> Problems => _problems;

    public void Add(string path, string message) => _problems.Add(new ValidationProblem(path, message));
}
