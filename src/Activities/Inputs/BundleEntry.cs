namespace Orchestration.Activities.Inputs;

/// <summary>One named input going into a bundle: inline bytes, or a local file or folder.</summary>
/// <param name="Name">The path under the input root (a validated safe relative path).</param>
/// <param name="Content">Inline content (text or base64 inputs).</param>
/// <param name="LocalPath">A file or folder on this machine (path inputs), already checked against its root.</param>
public sealed record BundleEntry(string Name, ReadOnlyMemory<byte>? Content = null, string? LocalPath = null);
