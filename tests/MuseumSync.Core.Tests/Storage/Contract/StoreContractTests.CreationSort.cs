namespace MuseumSync.Core.Tests.Storage.Contract;

public abstract partial class StoreContractTests
{
    // Issue #17: dates before the common era (the Met's objectBeginDate -1400, LIDO's -0044) and expanded years sort
    // chronologically on every store through creation_sort (migration 5), which plain text order gets wrong
    // ("-0044" < "-0045" < "-1400" < "0001" as text).
    [StoreFact]
    public async Task CreationSort_OrdersDatesAcrossTheCommonEra()
    {
        string?[] dates = ["1889-06-15T12:00:00Z", "-0044-03-15", "+12345", "-0044", "-1400", "0001", "1889", "-0045-12-31", "1889-06", "-0001", null, "-0044-01"];
        var records = dates.Select((d, i) => new MuseumRecord
        {
            Source = "met",
            ObjectId = "r" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture),
            Title = "T",
            CreationDate = d,
            RawJson = "{}",
        }).ToList();
        await CommitAsync(Batch(records));

        var rows = await Db.RowsAsync("SELECT creation_date, creation_sort FROM {t}museum_records WHERE creation_sort IS NOT NULL ORDER BY creation_sort");

        Assert.Equal(["-1400", "-0045-12-31", "-0044", "-0044-01", "-0044-03-15", "-0001", "0001", "1889", "1889-06", "1889-06-15T12:00:00Z", "+12345"], rows.Select(r => r["creation_date"]));
        Assert.Equal(["-14000000", "-448769", "-440000", "-439900", "-439685", "-10000", "10000", "18890000", "18890600", "18890615", "123450000"], rows.Select(r => r["creation_sort"]));
        Assert.Equal(1, await CountAsync("museum_records", "creation_sort IS NULL"));
    }

    // Issue #14: since migration 9 the session writes creation_sort (computed once per record, off the commit thread)
    // and the database no longer computes it; a generated or computed column would refuse this write.
    [StoreFact]
    public async Task CreationSort_PlainColumn_WrittenBySessionAndRewrittenWithTheDate()
    {
        await CommitAsync(Batch([Rec("a")]));
        await Db.ExecAsync("UPDATE {t}museum_records SET creation_sort = 7 WHERE object_id = 'a'");
        Assert.Equal(7, await Db.ScalarAsync("SELECT creation_sort FROM {t}museum_records WHERE object_id = 'a'"));

        await CommitAsync(Batch([new MuseumRecord { Source = "met", ObjectId = "a", Title = "Seal", CreationDate = "-0044-03", RawJson = "{}" }], now: T2));

        Assert.Equal(-439700, await Db.ScalarAsync("SELECT creation_sort FROM {t}museum_records WHERE object_id = 'a'"));
    }
}
