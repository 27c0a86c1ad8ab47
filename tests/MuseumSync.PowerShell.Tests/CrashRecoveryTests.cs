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
        await using var api = await CrashHarness.StartApiAsync();
        var db = Path.Combine(TestPaths.TempDirectory(), "crash.db");
        // BatchSize 37 is not a multiple of the page size, so batches end mid-page and the checkpoint must lag behind.
        var command = $"Invoke-MuseumPoll -Uri '{api.ObjectsUri}' -Source demo -Database '{db}' -PageSize 50 | " +
                      $"Sync-MuseumRecord -Source demo -Database '{db}' -BatchSize 37 -ErrorAction SilentlyContinue | Out-Null";

        await CrashHarness.KillAtSeveralPointsAsync(api, command);

        CrashHarness.CompleteAndAssertExact(api.Collection, command,
            sql => SqliteInspector.Scalar(db, sql.Replace("{t}", string.Empty, StringComparison.Ordinal)),
            () => SqliteInspector.Titles(db, "demo"));
    }
}
