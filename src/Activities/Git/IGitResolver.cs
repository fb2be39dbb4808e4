namespace Orchestration.Activities.Git;

/// <summary>Pins a git ref to the commit it names now, so every run of a batch sees the same code.</summary>
public interface IGitResolver
{
    /// <summary>Resolves a ref.</summary>
    /// <param name="url">The https clone URL.</param>
    /// <param name="gitRef">A branch, tag, <c>HEAD</c> or a full commit SHA.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The 40-character commit SHA.</returns>
    /// <exception cref="PreparationException">The repository or ref does not exist or cannot be reached.</exception>
    Task<string> ResolveAsync(string url, string gitRef, CancellationToken cancellationToken = default);
}
