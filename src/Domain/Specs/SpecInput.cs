namespace Orchestration.Domain.Specs;

/// <summary>One pinned input of a spec: exactly one of <see cref="Bundle"/>, <see cref="Git"/>, <see cref="Gcs"/>.</summary>
/// <param name="Name">The path under <c>/workspace/input</c> (a safe relative path), or <c>.</c> for the task's
/// input-set bundle (its text, base64 and path inputs laid out by name), which unpacks at the input root.</param>
/// <param name="Bundle">A <c>gs://…/inputs/{sha256}.tar.gz</c> bundle unpacked at the name (text, base64 and
/// path inputs are bundled; a bundle input names its own).</param>
/// <param name="Git">A repository cloned at a pinned commit.</param>
/// <param name="Gcs">An object or prefix copied at the name.</param>
public sealed record SpecInput(string Name, string? Bundle = null, SpecGit? Git = null, SpecGcs? Gcs = null);
