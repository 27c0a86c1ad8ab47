using MuseumSync.Sync;

namespace MuseumSync.Core.Tests.Storage.Contract;

public abstract partial class StoreContractTests
{
    // Issue #17, safe deletes: a source that lost its data wiped the mirrors that followed it
    // (geonetwork/core-geonetwork#419). A run that would delete more than MaxDeletePercent (10%) of a source's rows stops
    // before deleting, unless forced.
    private async Task SeedAsync(int rows) => await CommitAsync(Batch(Enumerable.Range(1, rows).Select(i => Rec(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList()));

    private async Task SyncDeletionsAsync(IEnumerable<string> ids, bool force = false)
    {
        await using var writer = new SyncWriter(Store, new SyncWriterOptions { Source = "met", StoreDescription = "the test store", ForceDeletes = force });
        foreach (var id in ids) await writer.AddAsync(Rec(id, deleted: true));
        await writer.CompleteAsync();
    }

    [StoreFact]
    public async Task DeleteGuard_MoreThanTenPercent_StopsBeforeDeletingAndSaysWhy()
    {
        await SeedAsync(20);

        var ex = await Assert.ThrowsAsync<SyncDeleteThresholdException>(() => SyncDeletionsAsync(["1", "2", "3"]));

        Assert.Equal(20, await CountAsync("museum_records"));
        Assert.Equal("SyncDeleteThreshold", ex.ErrorId);
        Assert.Contains("delete 3 of its 20 rows", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(15%)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-ForceDeletes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-MaxDeletePercent", ex.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task DeleteGuard_Forced_Deletes()
    {
        await SeedAsync(20);

        await SyncDeletionsAsync(["1", "2", "3"], force: true);

        Assert.Equal(17, await CountAsync("museum_records"));
    }

    [StoreFact]
    public async Task DeleteGuard_OnlyRowsThatExistCount()
    {
        await SeedAsync(20);

        // Ten deletions of ids the mirror never had (an OAI-PMH repository's old deleted records) and two real ones: 10%.
        await SyncDeletionsAsync(["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "1", "2"]);

        Assert.Equal(18, await CountAsync("museum_records"));
    }

    [StoreFact]
    public async Task DeleteGuard_ResumedRun_RowsItDidNotSeeStay()
    {
        // The first run committed ids 1..20 and was stopped; the resumed run sees only 21..25 and the end of the feed.
        await SeedAsync(20);
        await using (var writer = new SyncWriter(Store, new SyncWriterOptions { Source = "met", StoreDescription = "the test store" }))
        {
            for (var i = 21; i <= 25; i++) await writer.AddAsync(Rec(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await writer.CompleteAsync();
        }

        Assert.Equal(25, await CountAsync("museum_records"));
    }
}
