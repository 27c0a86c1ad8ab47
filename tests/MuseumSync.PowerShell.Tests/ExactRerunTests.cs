using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Issue 13, exact reruns: the sample API re-sends revisions of earlier records; re-reading the unchanged feed from its
/// first page (no checkpoint, or after Reset-SyncCheckpoint) updates nothing and leaves every row as it was.
/// </summary>
public sealed class ExactRerunTests() : SampleApiTests(new SampleApiOptions { RecordCount = 500, DefaultPageSize = 50, DuplicateRate = 0.05 })
{
    [Theory]
    [InlineData("Invoke-MuseumPoll -Uri $args[0] -Source demo -PageSize 50 | Sync-MuseumRecord -Source demo -Database $args[1] -ErrorAction SilentlyContinue")]
    [InlineData("Reset-SyncCheckpoint demo -Database $args[1] | Out-Null; Invoke-MuseumPoll -Uri $args[0] -Source demo -Database $args[1] -PageSize 50 | Sync-MuseumRecord -Source demo -Database $args[1] -ErrorAction SilentlyContinue")]
    public void SecondRunOverTheWholeUnchangedFeed_ReportsNothingUpdatedAndTouchesNoRow(string run)
    {
        using var ps = PowerShellSession.Create();
        var c = _api.Collection;
        Assert.True(c.DuplicateLines > 0);
        ps.Invoke("Invoke-MuseumPoll -Uri $args[0] -Source demo -PageSize 50 | Sync-MuseumRecord -Source demo -Database $args[1] -ErrorAction SilentlyContinue", _api.ObjectsUri, Db);
        const string rows = "SELECT object_id || '|' || title || '|' || last_changed_utc || '|' || hex(content_hash) FROM museum_records ORDER BY object_id";
        var before = SqliteInspector.Column(Db, rows);

        dynamic s = Assert.Single(ps.Invoke(run, _api.ObjectsUri, Db)).BaseObject;

        Assert.Equal("Completed", (string)s.Status);
        Assert.Equal(c.Lines.Count, (long)s.Received);
        Assert.Equal(0L, (long)s.Inserted);
        Assert.Equal(0L, (long)s.Updated);
        Assert.Equal(c.ValidIds.Count, (long)s.Unchanged);
        Assert.Equal(c.DuplicateLines, (long)s.Superseded);
        Assert.Equal(before, SqliteInspector.Column(Db, rows));
        var titles = SqliteInspector.Titles(Db, "demo");
        foreach (var (id, title) in c.FinalTitles) Assert.Equal(title, titles[id]);
    }
}
