namespace Orchestration.Workflows.Service;

/// <summary>A distinct input set of a planned batch: bundled once however many tasks share it.</summary>
/// <param name="Key">The set's key (first 12 hex characters of its canonical hash).</param>
/// <param name="Tasks">Ids of the tasks that use it.</param>
/// <param name="Objects">Its bundle of text, base64 and path inputs (input <c>.</c>), then each input that names a
/// bundle, a <c>gs://</c> object or a git repository.</param>
/// <param name="Problem">Why preparing it would fail (a path input refused, a bundle too large); null when it would not.</param>
public sealed record DryRunInputSet(string Key, IReadOnlyList<string> Tasks, IReadOnlyList<DryRunObject> Objects, string? Problem);
