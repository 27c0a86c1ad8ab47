using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

public sealed class SyncPipelineTests() : SampleApiTests(new SampleApiOptions { RecordCount = 500, DefaultPageSize = 50 })
{
    private const string Pipeline = """
        param($uri, $db, $pageSize, $batchSize)
        Invoke-MuseumPoll -Uri $uri -Source demo -Database $db -PageSize $pageSize |
            Sync-MuseumRecord -Source demo -Database $db -BatchSize $batchSize
        """;

    [Fact]
    public void PollPipedToSync_SampleApi_StoresEveryValidRecordOnceAndDeadLettersEveryInvalidLine()
    {
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke(Pipeline + " -EnableException", _api.ObjectsUri, Db, 50, 64);

        var summary = Assert.Single(output).BaseObject;
        Assert.Equal("MuseumSync.SyncSummary", summary.GetType().FullName);
        dynamic s = summary;
        var c = _api.Collection;
        Assert.Equal("Completed", (string)s.Status);
        Assert.Equal(c.Lines.Count, (long)s.Received);
        Assert.Equal(c.ValidIds.Count, (long)s.Inserted);
        Assert.Equal(c.InvalidLines.Count, (long)s.DeadLettered);
        // Each revision line is an update, or supersedes its id's earlier version in the same batch (the last version wins).
        Assert.Equal(SampleFeedBatches.FirstRun(c, batchSize: 64), ((long)s.Updated, (long)s.Superseded));
        Assert.Equal(c.DuplicateLines, (long)s.Updated + (long)s.Superseded);

        Assert.Equal(c.ValidIds.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(c.ValidIds.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(DISTINCT object_id) FROM museum_records"));
        Assert.Equal(c.InvalidLines.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM sync_dead_letters"));
        var titles = SqliteInspector.Titles(Db, "demo");
        foreach (var (id, title) in c.FinalTitles) Assert.Equal(title, titles[id]);

        // One non-terminating error per dead letter, with a stable id and the record as target.
        Assert.Equal(c.InvalidLines.Count, ps.Errors.Count);
        Assert.All(ps.Errors, e => Assert.Equal("MuseumRecordInvalid,MuseumSync.PowerShell.Commands.SyncMuseumRecordCommand", e.FullyQualifiedErrorId));
    }

    [Fact]
    public void GetSyncCheckpoint_AfterSync_ReportsTotalsAndLastPageCursor()
    {
        using var ps = PowerShellSession.Create();
        ps.Invoke(Pipeline, _api.ObjectsUri, Db, 50, 64);
        var checkpoint = Assert.Single(ps.Invoke("Get-SyncCheckpoint -Source demo -Database $args[0]", Db)).BaseObject;
        dynamic cp = checkpoint;
        Assert.Equal("demo", (string)cp.Source);
        Assert.Equal(_api.Collection.Lines.Count - _api.Collection.InvalidLines.Count, (long)cp.RecordsCommitted);
        Assert.Equal(_api.Collection.InvalidLines.Count, (long)cp.DeadLettered);
        Assert.NotNull((string?)cp.Cursor); // the last page's own cursor: a re-run re-reads only that page
    }

    [Fact]
    public void SecondRun_AfterCompletion_ChangesNothing()
    {
        using var ps = PowerShellSession.Create();
        ps.Invoke(Pipeline, _api.ObjectsUri, Db, 50, 64);
        var pagesBefore = _api.PagesServed;
        dynamic s = Assert.Single(ps.Invoke(Pipeline, _api.ObjectsUri, Db, 50, 64)).BaseObject;
        Assert.Equal(1, _api.PagesServed - pagesBefore); // resumed at the last page
        Assert.Equal(0L, (long)s.Inserted);
        Assert.Equal(0L, (long)s.Updated);
        Assert.Equal(0L, (long)s.DeadLettered);
        Assert.Equal(_api.Collection.ValidIds.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(_api.Collection.InvalidLines.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM sync_dead_letters"));
    }

    [Fact]
    public void SyncMuseumRecord_WhatIf_WritesNothing()
    {
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("""
            param($uri, $db)
            Invoke-MuseumPoll -Uri $uri -Source demo -PageSize 100 | Sync-MuseumRecord -Source demo -Database $db -WhatIf
            """, _api.ObjectsUri, Db);
        dynamic s = Assert.Single(output).BaseObject;
        Assert.Equal("WhatIf", (string)s.Status);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public void InvokeMuseumPoll_InvalidLines_AreRecordsMarkedInvalidWithReasons()
    {
        using var ps = PowerShellSession.Create();
        var records = ps.Invoke("Invoke-MuseumPoll -Uri $args[0] -Source demo -PageSize 100", _api.ObjectsUri);
        Assert.Equal(_api.Collection.Lines.Count, records.Count);
        var invalid = records.Where(r => !(bool)r.Properties["IsValid"].Value).ToList();
        Assert.Equal(_api.Collection.InvalidLines.Count, invalid.Count);
        Assert.All(invalid, r => Assert.NotEmpty((System.Collections.ICollection)r.Properties["Issues"].Value));
        var last = records[^1];
        Assert.True((bool)last.Properties["EndOfPage"].Value);
        Assert.Empty(ps.Errors);
    }

    [Fact]
    public void GetSyncCheckpoint_MissingDatabase_WritesClearError()
    {
        using var ps = PowerShellSession.Create();
        ps.Invoke("Get-SyncCheckpoint -Database $args[0]", Path.Combine(_dir, "nope.db"));
        var e = Assert.Single(ps.Errors);
        Assert.Contains("no MuseumSync database", e.Exception.Message, StringComparison.Ordinal);
    }
}
