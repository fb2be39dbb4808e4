using Orchestration.Activities.Stores;
using Orchestration.Adapters.Stores;

namespace Orchestration.Activities.Tests.Stores;

public sealed class SqliteBatchStoreTests : BatchStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stores-").FullName;

    public SqliteBatchStoreTests() => Store = new SqliteBatchStore(new SqliteDatabase(Path.Combine(_folder, "stores.db")));

    protected override IBatchStore Store { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
