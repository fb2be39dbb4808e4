using Orchestration.Activities.Stores;
using Orchestration.Adapters.Stores;

namespace Orchestration.Activities.Tests.Stores;

public sealed class SqliteResultStoreTests : ResultStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stores-").FullName;

    public SqliteResultStoreTests() => Store = new SqliteResultStore(new SqliteDatabase(Path.Combine(_folder, "stores.db")));

    protected override IResultStore Store { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
