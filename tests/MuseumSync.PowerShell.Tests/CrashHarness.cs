using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// The shared part of the crash tests: a slow enough sample API, a sync process SIGKILLed at several moments (wherever
/// the kill lands: mid-page, mid-batch, mid-commit), and the checks that the store ended exact.
/// </summary>
internal static class CrashHarness
{
    public static Task<SampleMuseumApi> StartApiAsync() => SampleMuseumApi.StartAsync(new SampleApiOptions
    {
        RecordCount = 3000,
        DefaultPageSize = 50,
        PageLatency = TimeSpan.FromMilliseconds(15),
    });

    /// <summary>Runs <paramref name="command"/> in pwsh processes (a script, <c>pwsh -File</c>) killed at about 10, 35, 60 and 85 % of the feed; at least two kills must land.</summary>
    public static async Task KillAtSeveralPointsAsync(SampleMuseumApi api, string command)
    {
        var totalPages = (api.Collection.Lines.Count + 49) / 50;
        var kills = 0;
        foreach (var fraction in new[] { 0.1, 0.35, 0.6, 0.85 })
        {
            var target = api.PagesServed + Math.Max(1, (int)(totalPages * fraction) - api.PagesServed % totalPages);
            using var pwsh = PwshProcess.StartScript(command);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (api.PagesServed < target && !pwsh.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(2);
            }
            if (pwsh.HasExited) break; // it finished before the kill point: nothing more to interrupt
            pwsh.Kill();
            kills++;
        }
        Assert.True(kills >= 2, "the sync finished before it could be killed at least twice; raise PageLatency");
    }

    /// <summary>
    /// Runs <paramref name="command"/> to completion, checks the store is exact, then runs it once more (a periodic
    /// poller runs again and again) and checks that changed nothing. <paramref name="scalar"/> runs SQL in which
    /// <c>{t}</c> stands for the table prefix of the store.
    /// </summary>
    public static void CompleteAndAssertExact(SampleCollection c, string command, Func<string, long> scalar, Func<IReadOnlyDictionary<string, string>> titles)
    {
        var (code, _, stderr) = PwshProcess.Run(PwshProcess.StartScript(command), TimeSpan.FromSeconds(120));
        Assert.True(code == 0, stderr);
        AssertExact(c, scalar, titles);

        var rowsBefore = scalar("SELECT COUNT(*) FROM {t}museum_records");
        var (code2, _, stderr2) = PwshProcess.Run(PwshProcess.StartScript(command), TimeSpan.FromSeconds(120));
        Assert.True(code2 == 0, stderr2);
        Assert.Equal(rowsBefore, scalar("SELECT COUNT(*) FROM {t}museum_records"));
        AssertExact(c, scalar, titles);
    }

    private static void AssertExact(SampleCollection c, Func<string, long> scalar, Func<IReadOnlyDictionary<string, string>> titles)
    {
        Assert.Equal(c.ValidIds.Count, scalar("SELECT COUNT(*) FROM {t}museum_records"));
        Assert.Equal(c.ValidIds.Count, scalar("SELECT COUNT(DISTINCT object_id) FROM {t}museum_records"));
        Assert.Equal(c.InvalidLines.Count, scalar("SELECT COUNT(*) FROM {t}sync_dead_letters"));
        Assert.Equal(c.InvalidLines.Count, scalar("SELECT COUNT(DISTINCT payload) FROM {t}sync_dead_letters"));
        var stored = titles();
        foreach (var (id, title) in c.FinalTitles) Assert.Equal(title, stored[id]);
        var invalidIds = c.InvalidLines.Where(l => !string.IsNullOrEmpty(l.ObjectId)).Select(l => l.ObjectId!).ToHashSet();
        Assert.DoesNotContain(stored.Keys, invalidIds.Contains);
    }
}
