using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage.Contract;

public abstract partial class StoreContractTests
{
    // 5: creation_sort (issue #17), 6: OCR text layers (issue #16), 7: the shared request budget (issues #15, #17),
    // 8: scale-out jobs (issue #15), 9: creation_sort written by the session (issue #14), 10: the creation end date (issue #17).
    private const int SchemaVersion = 10;

    /// <summary>The migrations there are.</summary>
    private static readonly int[] s_migrations = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    [StoreFact]
    public async Task Initialize_Twice_AppliesEachMigrationOnce()
    {
        Assert.Empty(await Store.InitializeAsync(CancellationToken.None));

        Assert.Equal(s_migrations.Length, await CountAsync("schema_migrations"));
        var status = await Store.GetSchemaStatusAsync(CancellationToken.None);
        Assert.True(status.IsCurrent);
        Assert.Equal(SchemaVersion, status.CurrentVersion);
        Assert.Equal(SchemaVersion, status.LatestVersion);
        Assert.Equal(Store.Provider, status.Provider);
        Assert.Equal(MainOptions.Provider.ToString(), Store.Provider);
    }

    [StoreFact]
    public async Task FreshDatabase_NothingInstalled_ReadsEmptyAndReportsPendingMigrations()
    {
        var fresh = await OpenAsync(Options("fresh"));

        Assert.Empty(await fresh.GetCheckpointsAsync(null, CancellationToken.None));
        Assert.Empty(await fresh.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));
        Assert.Null(await fresh.ResetCheckpointAsync("met", CancellationToken.None));
        var status = await fresh.GetSchemaStatusAsync(CancellationToken.None);
        Assert.Equal(0, status.CurrentVersion);
        Assert.Equal(s_migrations, status.Pending.Select(m => m.Version));

        var applied = await fresh.InitializeAsync(CancellationToken.None);

        Assert.Equal(s_migrations, applied.Select(m => m.Version));
        Assert.True((await fresh.GetSchemaStatusAsync(CancellationToken.None)).IsCurrent);
    }

    [StoreFact]
    public async Task Initialize_SeveralWorkersAtOnce_EachMigrationAppliedOnce()
    {
        var options = Options("race");
        var stores = new List<ISyncStore>();
        for (var i = 0; i < 4; i++) stores.Add(await OpenAsync(options));

        var applied = await Task.WhenAll(stores.Select(s => s.InitializeAsync(CancellationToken.None)));

        Assert.Equal(s_migrations.Length, applied.Sum(a => a.Count));
        Assert.Equal(s_migrations.Length, await Inspector(options).ScalarAsync("SELECT COUNT(*) FROM {t}schema_migrations"));
    }

    [StoreFact]
    public async Task DisplayName_NeverShowsAPassword()
    {
        Assert.DoesNotContain("password", Store.DisplayName, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(Store.DisplayName));
        await Task.CompletedTask;
    }
}
