using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// CrashRecoveryTests on PostgreSQL: a sync into PostgreSQL is SIGKILLed at several moments (mid-page, mid-batch,
/// mid-COPY, mid-commit: wherever the kill lands), then run again; the tables end exact, and a run after completion
/// changes nothing. Each run takes over the killed worker's lease at once (same host, dead process).
/// </summary>
public sealed class PostgresCrashRecoveryTests
{
    [PostgresFact]
    public async Task SyncKilledAtSeveralPoints_Rerun_EndsWithExactRowsAndDeadLetters()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions
        {
            RecordCount = 3000,
            DefaultPageSize = 50,
            PageLatency = TimeSpan.FromMilliseconds(15),
        });
        using var pg = new PostgresDatabase();
        // The checkpoint lives in PostgreSQL: the poll resumes from it through the same store parameters as the sync.
        var command = $"Invoke-MuseumPoll -Uri '{api.ObjectsUri}' -Source demo -PageSize 50 {pg.Parameters} | " +
                      $"Sync-MuseumRecord -Source demo {pg.Parameters} -BatchSize 37 -ErrorAction SilentlyContinue | Out-Null";
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
            if (host.HasExited) break;
            host.Kill();
            kills++;
        }
        Assert.True(kills >= 2, "the sync finished before it could be killed at least twice; raise PageLatency");

        var (code, _, stderr) = HostProcess.Run(command, TimeSpan.FromSeconds(120));
        Assert.True(code == 0, stderr);
        AssertExact(api.Collection, pg);

        var rowsBefore = pg.Scalar("SELECT COUNT(*) FROM {t}museum_records");
        var (code2, _, stderr2) = HostProcess.Run(command, TimeSpan.FromSeconds(120));
        Assert.True(code2 == 0, stderr2);
        Assert.Equal(rowsBefore, pg.Scalar("SELECT COUNT(*) FROM {t}museum_records"));
        AssertExact(api.Collection, pg);
    }

    private static void AssertExact(SampleCollection c, PostgresDatabase pg)
    {
        Assert.Equal(c.ValidIds.Count, pg.Scalar("SELECT COUNT(*) FROM {t}museum_records"));
        Assert.Equal(c.ValidIds.Count, pg.Scalar("SELECT COUNT(DISTINCT object_id) FROM {t}museum_records"));
        Assert.Equal(c.InvalidLines.Count, pg.Scalar("SELECT COUNT(*) FROM {t}sync_dead_letters"));
        Assert.Equal(c.InvalidLines.Count, pg.Scalar("SELECT COUNT(DISTINCT payload) FROM {t}sync_dead_letters"));
        var titles = pg.Titles("demo");
        foreach (var (id, title) in c.FinalTitles) Assert.Equal(title, titles[id]);
        var invalidIds = c.InvalidLines.Where(l => !string.IsNullOrEmpty(l.ObjectId)).Select(l => l.ObjectId!).ToHashSet();
        Assert.DoesNotContain(titles.Keys, invalidIds.Contains);
    }
}
