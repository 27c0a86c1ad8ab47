using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Get-SyncDeadLetter | Sync-MuseumRecord: the dead letters are validated again; those that pass now (after a mapping or
/// rule fix) are committed and leave the dead-letter table in the same transaction; the rest stay, attempt count raised.
/// </summary>
public sealed class DeadLetterReplayTests
{
    // A dead letter that today's rules accept: what an older, stricter rule (or a mapping since fixed) rejected.
    private const string FixedPayload = """{"ObjectID":"replay-1","title":"Fixed since","creation_date_iso":"1889","rights_statement":"http://rightsstatements.org/vocab/NoC-US/1.0/"}""";

    [Fact]
    public async Task ReplayDeadLetters_Sqlite_CommitsTheGoodOnesAndKeepsTheRest()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 300, DefaultPageSize = 50 });
        var db = Path.Combine(TestPaths.TempDirectory(), "replay.db");
        using var ps = PowerShellSession.Create();
        ps.Invoke($"Invoke-MuseumPoll -Uri '{api.ObjectsUri}' -Source demo -Database '{db}' | Sync-MuseumRecord -Source demo -Database '{db}' -ErrorAction SilentlyContinue");
        var invalid = api.Collection.InvalidLines.Count;
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO sync_dead_letters (source, object_id, payload, payload_hash, reasons, first_seen_utc, last_seen_utc) VALUES ('demo', 'replay-1', $p, $h, '[{\"field\":\"creation_date_iso\",\"rule\":\"iso8601-date\",\"message\":\"old rule\"}]', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')";
            cmd.Parameters.AddWithValue("$p", FixedPayload);
            cmd.Parameters.AddWithValue("$h", PayloadHash(FixedPayload));
            cmd.ExecuteNonQuery();
        }
        var cursorBefore = SqliteInspector.Column(db, "SELECT position FROM sync_checkpoints")[0];
        ps.Errors.Clear();

        dynamic s = Assert.Single(ps.Invoke($"Get-SyncDeadLetter -Source demo -Database '{db}' | Sync-MuseumRecord -Database '{db}' -EnableException")).BaseObject;

        Assert.Equal(invalid + 1, (long)s.Received);
        Assert.Equal(1L, (long)s.Inserted);
        Assert.Equal(1L, (long)s.DeadLettersResolved);
        Assert.Equal((long)invalid, (long)s.DeadLettersSeenBefore);
        Assert.Equal(0L, (long)s.DeadLettered);
        Assert.Equal(invalid, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters"));
        Assert.Equal(0, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters WHERE object_id = 'replay-1'"));
        Assert.Equal(invalid, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters WHERE attempt_count = 2"));
        Assert.Equal("Fixed since", SqliteInspector.Titles(db, "demo")["replay-1"]);
        Assert.Equal(cursorBefore, SqliteInspector.Column(db, "SELECT position FROM sync_checkpoints")[0]); // a replay never moves the checkpoint
        Assert.Equal(invalid, ps.Errors.Count); // still invalid: one non-terminating error each
        Assert.All(ps.Errors, e => Assert.Contains("still invalid", e.Exception.Message, StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task ReplayDeadLetters_PostgreSql_CommitsTheGoodOnesAndKeepsTheRest()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 300, DefaultPageSize = 50 });
        using var pg = new PostgresDatabase();
        using var ps = PowerShellSession.Create();
        ps.Invoke($"Invoke-MuseumPoll -Uri '{api.ObjectsUri}' -Source demo | Sync-MuseumRecord -Source demo {pg.Parameters} -ErrorAction SilentlyContinue");
        var invalid = api.Collection.InvalidLines.Count;
        pg.Exec("INSERT INTO {t}sync_dead_letters (source, object_id, payload, payload_hash, reasons, first_seen_utc, last_seen_utc) VALUES ('demo', 'replay-1', @p0, @p1, '[{\"field\":\"x\",\"rule\":\"old\",\"message\":\"m\"}]', now(), now())",
            FixedPayload, PayloadHash(FixedPayload));

        dynamic s = Assert.Single(ps.Invoke($"Get-SyncDeadLetter demo {pg.Parameters} | Sync-MuseumRecord {pg.Parameters} -ErrorAction SilentlyContinue")).BaseObject;

        Assert.Equal(1L, (long)s.Inserted);
        Assert.Equal(1L, (long)s.DeadLettersResolved);
        Assert.Equal((long)invalid, (long)s.DeadLettersSeenBefore);
        Assert.Equal(invalid, pg.Scalar("SELECT COUNT(*) FROM {t}sync_dead_letters"));
        Assert.Equal(invalid, pg.Scalar("SELECT COUNT(*) FROM {t}sync_dead_letters WHERE attempt_count = 2"));
        Assert.Equal("Fixed since", pg.Titles("demo")["replay-1"]);
    }

    /// <summary>The store's payload hash (XxHash128 over the UTF-16 text and a separator), as the module computes it.</summary>
    private static byte[] PayloadHash(string payload)
    {
        var h = new System.IO.Hashing.XxHash128();
        h.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(payload.AsSpan()));
        h.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes("\u001f".AsSpan()));
        return h.GetCurrentHash();
    }
}
