using System.Diagnostics;
using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Several workers (separate host processes, as scheduled tasks on several servers would be) run the same sync: one
/// holds the source's lease; the others say plainly that it is busy (a SyncSourceBusy error naming the holder), fetch
/// nothing and write nothing. Through the host, `-Command '… | Sync-MuseumRecord …'` then exits 0 (the error is
/// statement-terminating: this run had nothing to do), 1 under $ErrorActionPreference = 'Stop', and whatever the
/// script says when it catches the error by its id (the README's scheduled-task pattern). A killed worker's lease is
/// taken over by the next run on the same host at once.
/// </summary>
public sealed class LeaseProcessTests
{
    public static IEnumerable<object[]> Stores() =>
        PostgresDatabase.ConnectionString is null ? [["sqlite"]] : [["sqlite"], ["postgres"]];

    private sealed class Target : IDisposable
    {
        private readonly PostgresDatabase? _pg;
        private readonly string? _db;

        public Target(string kind)
        {
            if (kind == "postgres") _pg = new PostgresDatabase();
            else _db = Path.Combine(TestPaths.TempDirectory(), "lease.db");
        }

        public string Parameters => _pg?.Parameters ?? $"-Database '{_db}'";

        public long Count(string table) => _pg?.Scalar($"SELECT COUNT(*) FROM {{t}}{table}") ?? SqliteInspector.Scalar(_db!, $"SELECT COUNT(*) FROM {table}");

        public void Dispose() => _pg?.Dispose();
    }

    private static string Command(Uri uri, Target t) =>
        $"Invoke-MuseumPoll -Uri '{uri}' -Source demo -PageSize 50 | Sync-MuseumRecord -Source demo {t.Parameters} -BatchSize 40 -ErrorAction SilentlyContinue | Out-Null";

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SecondWorker_WhileTheFirstSyncs_SaysBusyNamesTheHolderFetchesNothingExitsOne(string store)
    {
        // 60 pages at 600 ms: the first worker is still syncing while the other hosts start (about 2 s each on an idle machine, 10-20 s on a loaded one) and give up.
        await using var slow = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 3000, DefaultPageSize = 50, PageLatency = TimeSpan.FromMilliseconds(600) });
        await using var other = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 1500, DefaultPageSize = 50 });
        using var t = new Target(store);
        using var first = HostProcess.StartCommand(Command(slow.ObjectsUri, t));
        await WaitAsync(() => slow.PagesServed >= 3 || first.HasExited, TimeSpan.FromSeconds(60));
        Assert.False(first.HasExited, "the first worker ended before the second one started; raise PageLatency\n" + first.StdErr);

        var watch = Stopwatch.StartNew();
        using var plain = HostProcess.StartCommand(Command(other.ObjectsUri, t));
        using var strict = HostProcess.StartCommand("$ErrorActionPreference = 'Stop'; " + Command(other.ObjectsUri, t));
        var (code, stderr) = (plain.WaitForExit(TimeSpan.FromSeconds(60)), plain.StdErr);
        var (strictCode, strictErr) = (strict.WaitForExit(TimeSpan.FromSeconds(60)), strict.StdErr);

        Assert.Equal(0, code);
        Assert.Contains("WARNING: Source 'demo' is busy", stderr, StringComparison.Ordinal); // said even under -ErrorAction SilentlyContinue
        Assert.Contains($"host {Environment.MachineName}, pid ", stderr, StringComparison.Ordinal);
        Assert.Contains("changed nothing", stderr, StringComparison.Ordinal);
        Assert.Equal(1, strictCode);
        Assert.Contains("Source 'demo' is busy", strictErr, StringComparison.Ordinal);
        Assert.Equal(0, other.PagesServed); // stopped in BeginProcessing: the second API was never called
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40));
        Assert.False(first.HasExited, "the first worker ended while the others ran; raise PageLatency");

        Assert.Equal(0, first.WaitForExit(TimeSpan.FromSeconds(120)));
        Assert.Equal(slow.Collection.ValidIds.Count, t.Count("museum_records"));
        Assert.Equal(slow.Collection.InvalidLines.Count, t.Count("sync_dead_letters"));
        Assert.Equal(0, t.Count("sync_leases"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ThreeWorkersAtOnce_ExactlyOneSyncs_TheOthersEndCleanlyWithTheCatchPattern(string store)
    {
        // 20 pages at 200 ms: the three hosts start within about a second of each other, well inside one run.
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 1000, DefaultPageSize = 50, PageLatency = TimeSpan.FromMilliseconds(200) });
        using var t = new Target(store);
        // The scheduled-task pattern from the README: a busy source is not a failure of this run.
        var script = "$ErrorActionPreference = 'Stop'; try { " + Command(api.ObjectsUri, t) + "; 'synced' } " +
                     "catch { if ($_.FullyQualifiedErrorId -like 'SyncSourceBusy,*') { 'busy: ' + $_.Exception.Holder.Host; exit 0 }; throw }";

        var workers = Enumerable.Range(0, 3).Select(_ => HostProcess.StartCommand(script)).ToList();
        var codes = workers.Select(w => w.WaitForExit(TimeSpan.FromSeconds(120))).ToList();

        Assert.All(codes, c => Assert.Equal(0, c));
        var outputs = workers.Select(w => w.StdOut).ToList();
        Assert.Single(outputs, o => o.Contains("synced", StringComparison.Ordinal));
        Assert.Equal(2, outputs.Count(o => o.Contains("busy: " + Environment.MachineName, StringComparison.Ordinal)));
        Assert.Equal(api.Collection.ValidIds.Count, t.Count("museum_records"));
        workers.ForEach(w => w.Dispose());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task WorkerKilled_NextRunOnTheSameHost_TakesTheLeaseOverAtOnceAndEndsExact(string store)
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 1500, DefaultPageSize = 50, PageLatency = TimeSpan.FromMilliseconds(30) });
        using var t = new Target(store);
        using (var doomed = HostProcess.StartCommand(Command(api.ObjectsUri, t)))
        {
            await WaitAsync(() => api.PagesServed >= 8 || doomed.HasExited, TimeSpan.FromSeconds(60));
            Assert.False(doomed.HasExited, doomed.StdErr);
            doomed.Kill();
        }
        Assert.Equal(1, t.Count("sync_leases")); // the dead worker's lease is still there, unexpired

        var (code, _, stderr) = HostProcess.Run(Command(api.ObjectsUri, t).Replace("| Out-Null", "-WarningVariable w | Out-Null; $w | ForEach-Object { [Console]::Error.WriteLine(\"WARN: $_\") }", StringComparison.Ordinal), TimeSpan.FromSeconds(120));

        Assert.True(code == 0, stderr);
        Assert.Contains("WARN: Took over the lease on 'demo'", stderr, StringComparison.Ordinal);
        Assert.Equal(api.Collection.ValidIds.Count, t.Count("museum_records"));
        Assert.Equal(api.Collection.InvalidLines.Count, t.Count("sync_dead_letters"));
    }

    [Fact]
    public async Task Partition_LeasedPerPartition_OtherPartitionSyncsWhileOneIsBusy()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 20, DefaultPageSize = 50, InvalidRate = 0, DuplicateRate = 0 });
        var db = Path.Combine(TestPaths.TempDirectory(), "partition.db");
        using var ps = PowerShellSession.Create();
        ps.Invoke("Initialize-SyncDatabase -Database $args[0]", db);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO sync_leases VALUES ('demo#1/2', 'h1', 'server-b', 77, NULL, '2025-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z')";
            cmd.ExecuteNonQuery();
        }
        var poll = $"Invoke-MuseumPoll -Uri '{api.ObjectsUri}' -Source demo";

        dynamic s = Assert.Single(ps.Invoke($"{poll} | Sync-MuseumRecord -Source demo -Partition 2/2 -Database $args[0]", db)).BaseObject;
        Assert.Equal(20L, (long)s.Inserted);
        Assert.Empty(ps.Errors);
        var pagesBefore = api.PagesServed;

        Assert.Empty(ps.Invoke($"{poll} | Sync-MuseumRecord -Source demo -Partition 1/2 -Database $args[0]", db));
        var busy = Assert.Single(ps.Errors);
        Assert.Equal("SyncSourceBusy,MuseumSync.PowerShell.Commands.SyncMuseumRecordCommand", busy.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceBusy, busy.CategoryInfo.Category);
        Assert.Contains("'demo#1/2' is busy", busy.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("server-b", busy.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(pagesBefore, api.PagesServed); // nothing fetched
        ps.Errors.Clear();

        ps.Invoke($"{poll} | Sync-MuseumRecord -Source demo -Partition 3/2 -Database $args[0]", db);
        Assert.Equal("SyncPartitionInvalid,MuseumSync.PowerShell.Commands.SyncMuseumRecordCommand", Assert.Single(ps.Errors).FullyQualifiedErrorId);
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(5);
    }
}
