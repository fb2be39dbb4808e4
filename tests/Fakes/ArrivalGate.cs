namespace Orchestration.Fakes;

/// <summary>Holds requests until a given number of them have arrived, then lets them all through.</summary>
/// <remarks>A positive signal for tests that need requests to overlap (two callers both seeing 404 before
/// either creates): a fixed delay only makes the overlap likely, and on a loaded machine it fails.
/// The upper bound lets the held requests go on after all rather than hang a test; the test then asserts
/// <see cref="Opened"/> so that a gate that never opened fails it with a clear message.</remarks>
/// <param name="count">Arrivals that open the gate.</param>
/// <param name="upperBound">Longest a request is held before it goes on with the gate still shut.</param>
public sealed class ArrivalGate(int count, TimeSpan upperBound)
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>Whether <c>count</c> requests arrived within the upper bound.</summary>
    public bool Opened => _open.Task.IsCompletedSuccessfully;

    /// <summary>Requests that arrived so far.</summary>
    public int Arrived => Volatile.Read(ref _arrived);

    /// <summary>Counts one arrival and waits until the gate opens or the upper bound passes.</summary>
    /// <param name="cancellationToken">Cancels the wait (the request was aborted).</param>
    /// <returns>A task that completes when the request may go on.</returns>
    public async Task ArriveAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _arrived) >= count)
        {
            _open.TrySetResult();
        }

        try
        {
            await _open.Task.WaitAsync(upperBound, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Shut after the upper bound: go on; the test sees Opened false.
        }
    }
}
