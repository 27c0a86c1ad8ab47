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
        await using var api = await CrashHarness.StartApiAsync();
        using var pg = new PostgresDatabase();
        // The checkpoint lives in PostgreSQL: the poll resumes from it through the same store parameters as the sync.
        var command = $"Invoke-MuseumPoll -Uri '{api.ObjectsUri}' -Source demo -PageSize 50 {pg.Parameters} | " +
                      $"Sync-MuseumRecord -Source demo {pg.Parameters} -BatchSize 37 -ErrorAction SilentlyContinue | Out-Null";

        await CrashHarness.KillAtSeveralPointsAsync(api, command);

        CrashHarness.CompleteAndAssertExact(api.Collection, command, sql => pg.Scalar(sql), () => pg.Titles("demo"));
    }
}
