namespace Orchestration.Api;

/// <summary>One validation problem inside a problem details document.</summary>
/// <param name="Path">Where: a JSON path into the body (e.g. <c>$.tasks[0].n</c>) or a parameter name.</param>
/// <param name="Message">What is wrong there.</param>
public sealed record ApiProblemError(string Path, string Message);
