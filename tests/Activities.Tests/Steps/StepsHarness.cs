using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orchestration.Activities.Git;
using Orchestration.Activities.Inputs;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Storage;
using Orchestration.Adapters.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Normalization;
using Orchestration.Domain.Validation;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.Steps;

/// <summary>Real local stores and object store in a temp folder, an in-memory Cloud Run and a fixed git.</summary>
public sealed class StepsHarness : IDisposable
{
    public StepsHarness()
    {
        Root = Directory.CreateTempSubdirectory("steps-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "objects"));
        Directory.CreateDirectory(Path.Combine(Root, "work"));
        var database = new SqliteDatabase(Path.Combine(Root, "stores.db"));
        Batches = new SqliteBatchStore(database);
        Results = new SqliteResultStore(database);
        Objects = new LocalFolderObjectStore(Options.Create(new LocalFolderObjectStoreOptions { Root = Path.Combine(Root, "objects") }), Time);
        Catalog = new BatchCatalog(Batches);
        Settings = Options.Create(new RunSettings
        {
            Bucket = "test-bucket",
            CommandServiceAccount = "cmd@p.iam.gserviceaccount.com",
            ClaudeServiceAccount = "claude@p.iam.gserviceaccount.com",
            ClaudeSecrets = new() { ["ANTHROPIC_API_KEY"] = "anthropic-key:3" },
            PathInputRoot = Path.Combine(Root, "work"),
        });
    }

    public string Root { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public SqliteBatchStore Batches { get; }

    public SqliteResultStore Results { get; }

    public LocalFolderObjectStore Objects { get; }

    public InMemoryCloudRun CloudRun { get; } = new();

    public FixedGit Git { get; } = new();

    public BatchCatalog Catalog { get; }

    public IOptions<RunSettings> Settings { get; }

    public InputBundler Bundler { get; } = new(new BundleOptions());

    public async Task<StoredBatch> SubmitAsync(string json, string nonce = "n1")
    {
        var intake = BatchIntake.Read(Encoding.UTF8.GetBytes(json), new BatchLimits(), new BatchDefaults(), () => "generated");
        Assert.True(intake.IsValid, string.Join("\n", intake.Problems));
        var stored = new StoredBatch(intake.Batch.Id, intake.Hash, nonce, BatchStatus.Pending, null, Time.GetUtcNow(), Time.GetUtcNow(),
            intake.Batch.TotalRuns, CanonicalJson.Serialize(intake.Batch));
        await Batches.InsertIfAbsentAsync(stored);
        return stored;
    }

    public async Task WriteAsync(string name, string content)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await Objects.PutAsync(name, body);
    }

    public async Task<string?> ReadAsync(string name)
    {
        await using var content = await Objects.GetAsync(name);
        return content is null ? null : Encoding.UTF8.GetString(await content.ReadAllBytesAsync());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>A git that knows a fixed commit per ref and counts lookups.</summary>
    public sealed class FixedGit : IGitResolver
    {
        public int Lookups { get; private set; }

        public Task<string> ResolveAsync(string url, string gitRef, CancellationToken cancellationToken = default)
        {
            Lookups++;
            return gitRef == "missing"
                ? throw new PreparationException($"The ref '{gitRef}' does not exist in {url}.")
                : Task.FromResult(Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(url + "@" + gitRef))));
        }
    }
}
