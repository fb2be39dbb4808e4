namespace Orchestration.Domain.Judging;

/// <summary>The size of one captured output stream and whether the runner cut it.</summary>
/// <param name="Bytes">Bytes the stream produced in total.</param>
/// <param name="Truncated">True when the uploaded copy holds less than <paramref name="Bytes"/>.</param>
public sealed record OutputCapture(long Bytes, bool Truncated);
