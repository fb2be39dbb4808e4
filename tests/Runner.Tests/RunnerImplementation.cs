namespace Orchestration.Runner.Tests;

/// <summary>The implementations of the runner contract (runner/README.md) the suite runs every case against.</summary>
public enum RunnerImplementation
{
    /// <summary>runner/runner.sh with bash, Node and the gcloud stand-in, as the Cloud Run image runs it.</summary>
    Script,

    /// <summary>The local runner's native executor, in this process over the local object store.</summary>
    Native,
}
