using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// A sync process is killed with SIGKILL at several moments (mid-page, mid-batch, mid-commit: wherever the kill lands),
/// then run again; the database must end exact: every valid record once with its last revision, every invalid line
/// dead-lettered once, and a run after completion changes nothing.
/// </summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task SyncKilledAtSeveralPoints_Rerun_EndsWithExactRowsAndDeadLetters()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions
        {
            RecordCount = 3000,
            DefaultPageSize = 50,
            PageLatency = TimeSpan.FromMilliseconds(15),
        });
        var db = Path.Combine(TestPaths.TempDirectory(), "crash.db");
        // BatchSize 37 is not a multiple of the page size, so batches end mid-page and the checkpoint must lag behind.
        var command = $"Invoke-MuseumPoll -Uri '{api.ObjectsUri}' -Source demo -Database '{db}' -PageSize 50 | " +
                      $"Sync-MuseumRecord -Source demo -Database '{db}' -BatchSize 37 -ErrorAction SilentlyContinue | Out-Null";
        var totalPages = (api.Collection.Lines.Count + 49) / 50;
        var kills = 0;
        foreach (var fraction in new[] { 0.1, 0.35, 0.6, 0.85 })
        {
            var target = api.PagesServed + Math.Max(1, (int)(totalPages * fraction) - api.PagesServed % totalPages);
            using var host = HostProcess.StartCommand(command);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (api.PagesServed < target && !host.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(2);
            }
            if (host.HasExited) break; // it finished before the kill point: nothing more to interrupt
            host.Kill();
            kills++;
        }
        Assert.True(kills >= 2, "the sync finished before it could be killed at least twice; raise PageLatency");

        var (code, _, stderr) = HostProcess.Run(command, TimeSpan.FromSeconds(120));
        Assert.True(code == 0, stderr);
        AssertExact(api.Collection, db);

        // A periodic poller runs again and again: a run after completion changes nothing.
        var rowsBefore = SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records");
        var (code2, _, stderr2) = HostProcess.Run(command, TimeSpan.FromSeconds(120));
        Assert.True(code2 == 0, stderr2);
        Assert.Equal(rowsBefore, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records"));
        AssertExact(api.Collection, db);
    }

    private static void AssertExact(SampleCollection c, string db)
    {
        Assert.Equal(c.ValidIds.Count, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(c.ValidIds.Count, SqliteInspector.Scalar(db, "SELECT COUNT(DISTINCT object_id) FROM museum_records"));
        Assert.Equal(c.InvalidLines.Count, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters"));
        Assert.Equal(c.InvalidLines.Count, SqliteInspector.Scalar(db, "SELECT COUNT(DISTINCT payload) FROM sync_dead_letters"));
        var titles = SqliteInspector.Titles(db, "demo");
        foreach (var (id, title) in c.FinalTitles) Assert.Equal(title, titles[id]);
        var invalidIds = c.InvalidLines.Where(l => !string.IsNullOrEmpty(l.ObjectId)).Select(l => l.ObjectId!).ToHashSet();
        Assert.DoesNotContain(titles.Keys, invalidIds.Contains);
    }
}
