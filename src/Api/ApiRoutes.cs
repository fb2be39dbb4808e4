namespace Orchestration.Api;

/// <summary>The route table of the HTTP contract, declared once.</summary>
/// <remarks><see cref="OrchestrationApi.MapOrchestrationApi"/> maps it; the Functions host's HTTP triggers and the
/// OpenAPI document are checked against it by tests in both directions (method, template, name, key).</remarks>
public static class ApiRoutes
{
    /// <summary>Liveness.</summary>
    public static ApiRoute Health { get; } = new("GET", "health", "Health", KeyRequired: false);

    /// <summary>The batch document's JSON Schema.</summary>
    public static ApiRoute BatchSchema { get; } = new("GET", "schema/batch.json", "BatchSchema", KeyRequired: false);

    /// <summary>The OpenAPI document.</summary>
    public static ApiRoute OpenApi { get; } = new("GET", "openapi.json", "OpenApi");

    /// <summary>Submit a batch.</summary>
    public static ApiRoute SubmitBatch { get; } = new("POST", "batches", "SubmitBatch");

    /// <summary>List batches.</summary>
    public static ApiRoute ListBatches { get; } = new("GET", "batches", "ListBatches");

    /// <summary>A batch's status.</summary>
    public static ApiRoute GetBatchStatus { get; } = new("GET", "batches/{id}", "GetBatchStatus");

    /// <summary>A batch's aggregate results.</summary>
    public static ApiRoute GetBatchResults { get; } = new("GET", "batches/{id}/results", "GetBatchResults");

    /// <summary>A batch's runs.</summary>
    public static ApiRoute GetBatchRuns { get; } = new("GET", "batches/{id}/runs", "GetBatchRuns");

    /// <summary>A batch's runs as they are judged, and its progress, as Server-Sent Events.</summary>
    public static ApiRoute GetBatchEvents { get; } = new("GET", "batches/{id}/events", "GetBatchEvents");

    /// <summary>One artifact of one run.</summary>
    public static ApiRoute GetRunArtifact { get; } = new("GET", "batches/{id}/runs/{task}/{index:int}/artifacts/{name}", "GetRunArtifact");

    /// <summary>Judge a finished batch's runs again with new rules, as a new results version.</summary>
    public static ApiRoute RejudgeBatch { get; } = new("POST", "batches/{id}/rejudge", "RejudgeBatch");

    /// <summary>Run again the runs of a finished batch that ended errored or timed out (or cancelled), as a new results version.</summary>
    public static ApiRoute RerunBatch { get; } = new("POST", "batches/{id}/rerun", "RerunBatch");

    /// <summary>Cancel a batch.</summary>
    public static ApiRoute CancelBatch { get; } = new("POST", "batches/{id}/cancel", "CancelBatch");

    /// <summary>Purge a finished batch.</summary>
    public static ApiRoute PurgeBatch { get; } = new("DELETE", "batches/{id}", "PurgeBatch");

    /// <summary>Upload an input bundle.</summary>
    public static ApiRoute PutInputBundle { get; } = new("PUT", "inputs/{sha256}", "PutInputBundle");

    /// <summary>The web dashboard's static files (the page at <c>/api/ui/</c>); anonymous: it holds no data and asks for the key.</summary>
    public static ApiRoute Dashboard { get; } = new("GET", "ui/{*asset}", "Dashboard", KeyRequired: false);

    /// <summary>Compare two finished batches (<c>?a=ID&amp;b=ID&amp;map=&amp;mde=</c>).</summary>
    public static ApiRoute CompareBatches { get; } = new("GET", "compare", "CompareBatches");

    /// <summary>Every route.</summary>
    public static IReadOnlyList<ApiRoute> All { get; } =
        [Health, BatchSchema, OpenApi, SubmitBatch, ListBatches, GetBatchStatus, GetBatchResults, GetBatchRuns, GetBatchEvents, GetRunArtifact, CancelBatch, PurgeBatch, PutInputBundle, Dashboard, RejudgeBatch, RerunBatch, CompareBatches];
}
