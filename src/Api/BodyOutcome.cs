namespace Orchestration.Api;

/// <summary>How reading a request body ended.</summary>
internal enum BodyOutcome
{
    /// <summary>Read to its end within the limits.</summary>
    Complete,

    /// <summary>Longer than the limit.</summary>
    TooLarge,

    /// <summary>Past the time limit or under the minimum data rate.</summary>
    TooSlow,
}
