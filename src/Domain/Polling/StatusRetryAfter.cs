namespace Orchestration.Domain.Polling;

/// <summary>How long a client polling a batch's status should wait before asking again (the HTTP
/// <c>Retry-After</c> of a running batch): the run pollers' own schedule applied to the batch's age.</summary>
/// <remarks>A young batch is asked about as often as its runs are polled (<see cref="PollingOptions.FirstDelay"/>);
/// an old one as rarely as <see cref="PollingOptions.MaxDelay"/>. Whole seconds, at least one, as HTTP wants.
/// No jitter: every client of the same batch gets the same answer at the same age.</remarks>
public static class StatusRetryAfter
{
    /// <summary>The wait, in whole seconds.</summary>
    /// <param name="options">The polling schedule the batch's runs use.</param>
    /// <param name="age">Time since the batch was submitted (negative counts as zero).</param>
    /// <returns>The delay of the schedule's step that contains <paramref name="age"/>, rounded up to whole
    /// seconds, at least 1.</returns>
    public static int Seconds(PollingOptions options, TimeSpan age)
    {
        ArgumentNullException.ThrowIfNull(options);
        var delay = options.FirstDelay;
        var elapsed = TimeSpan.Zero;

        // Grows geometrically, so this ends within log_growth(cap / first) steps; a growth of 1 stays at first.
        while (delay < options.MaxDelay && options.GrowthFactor > 1 && elapsed + delay <= age)
        {
            elapsed += delay;
            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * options.GrowthFactor), options.MaxDelay.Ticks));
        }

        return Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds));
    }
}
