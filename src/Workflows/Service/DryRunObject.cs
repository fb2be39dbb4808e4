namespace Orchestration.Workflows.Service;

/// <summary>One thing an input set needs in the bucket or from outside.</summary>
/// <param name="Input">The input's name; <c>.</c> for the set's bundle of inline and path inputs.</param>
/// <param name="Source"><c>bundle</c>, <c>gcs</c> or <c>git</c>.</param>
/// <param name="Reference">The bundle's SHA-256, the <c>gs://</c> URI, or the repository URL with its ref.</param>
/// <param name="Bytes">The bundle's compressed size, when it was built for the plan.</param>
/// <param name="Uploaded">True when the object is in the bucket already, false when a real submit would upload it
/// (or, for a named bundle or object, would fail for want of it), null when it does not apply (git, other buckets).</param>
public sealed record DryRunObject(string Input, string Source, string Reference, long? Bytes, bool? Uploaded);
