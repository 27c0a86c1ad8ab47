using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Several workers (separate pwsh processes, as scheduled tasks on several servers would be) run the same sync: one
/// holds the source's lease; the others say plainly that it is busy (a SyncSourceBusy error naming the holder), fetch
/// nothing and write nothing. A script run with `pwsh -File` (as a scheduled task runs it) then exits 0 (the error is
/// statement-terminating: this run had nothing to do), 1 under $ErrorActionPreference = 'Stop', and whatever the
/// script says when it catches the error by its id (the scheduling guide's pattern). A killed worker's lease is
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
        // The first worker holds still (its lease taken, its LeaseKeeper renewing it) at a gate in its own pipeline after
        // its first records, and says so; it goes on only when the test opens the gate, after the other workers have
        // ended. So it is still syncing while they run, however long pwsh takes to start on a loaded machine.
        await using var slow = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 3000, DefaultPageSize = 50 });
        await using var other = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 1500, DefaultPageSize = 50 });
        using var t = new Target(store);
        var gate = TestPaths.TempDirectory();
        var (holding, open) = (Path.Combine(gate, "holding"), Path.Combine(gate, "open"));
        var gated = Command(slow.ObjectsUri, t).Replace("| Sync-MuseumRecord", "| ForEach-Object -Begin { $n = 0 } -Process { " +
            $"if (++$n -eq 100) {{ [IO.File]::WriteAllText('{holding}', 'held'); $until = [DateTime]::UtcNow.AddSeconds(300); " +
            $"while (-not [IO.File]::Exists('{open}') -and [DateTime]::UtcNow -lt $until) {{ Start-Sleep -Milliseconds 50 }} }}; $_ }} | Sync-MuseumRecord", StringComparison.Ordinal);
        using var first = PwshProcess.StartScript(gated);
        try
        {
            await WaitAsync(() => File.Exists(holding) || first.HasExited, TimeSpan.FromSeconds(120));
            Assert.True(File.Exists(holding), "the first worker did not reach its gate\n" + first.StdErr);

            // Each says when its script began, after pwsh's own start-up (seconds on a loaded machine, not the module's time).
            const string Began = "[Console]::Out.WriteLine('began ' + [DateTime]::UtcNow.ToString('o')); ";
            using var plain = PwshProcess.StartScript(Began + Command(other.ObjectsUri, t));
            using var strict = PwshProcess.StartScript(Began + "$ErrorActionPreference = 'Stop'; " + Command(other.ObjectsUri, t));
            // pwsh writes warnings to stdout and errors to stderr.
            var (code, stderr) = (plain.WaitForExit(TimeSpan.FromSeconds(120)), plain.StdOut + plain.StdErr);
            var (strictCode, strictErr) = (strict.WaitForExit(TimeSpan.FromSeconds(120)), strict.StdErr);

            Assert.Equal(0, code);
            Assert.Contains("WARNING: Source 'demo' is busy", stderr, StringComparison.Ordinal); // said even under -ErrorAction SilentlyContinue
            Assert.Contains($"host {Environment.MachineName}, pid ", stderr, StringComparison.Ordinal);
            Assert.Contains("changed nothing", stderr, StringComparison.Ordinal);
            Assert.Equal(1, strictCode);
            Assert.Contains("Source 'demo' is busy", strictErr, StringComparison.Ordinal);
            Assert.Equal(0, other.PagesServed); // stopped in BeginProcessing: the second API was never called
            Assert.True(plain.RunTime < TimeSpan.FromSeconds(40), $"{plain.RunTime}");
            Assert.True(strict.RunTime < TimeSpan.FromSeconds(40), $"{strict.RunTime}");
            Assert.False(first.HasExited, "the first worker ended while the others ran\n" + first.StdErr);
        }
        finally
        {
            File.WriteAllText(open, "go");
        }

        Assert.Equal(0, first.WaitForExit(TimeSpan.FromSeconds(120)));
        Assert.Equal(slow.Collection.ValidIds.Count, t.Count("museum_records"));
        Assert.Equal(slow.Collection.InvalidLines.Count, t.Count("sync_dead_letters"));
        Assert.Equal(0, t.Count("sync_leases"));
        Directory.Delete(gate, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ThreeWorkersAtOnce_ExactlyOneSyncs_TheOthersEndCleanlyWithTheCatchPattern(string store)
    {
        // 20 pages at 500 ms: the three pwsh processes start within a few seconds of each other, well inside one run.
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 1000, DefaultPageSize = 50, PageLatency = TimeSpan.FromMilliseconds(500) });
        using var t = new Target(store);
        // The scheduled-task pattern from docs/guide/scheduling.md: a busy source is not a failure of this run.
        var script = "$ErrorActionPreference = 'Stop'; try { " + Command(api.ObjectsUri, t) + "; 'synced' } " +
                     "catch { if ($_.FullyQualifiedErrorId -like 'SyncSourceBusy,*') { 'busy: ' + $_.Exception.Holder.Host; exit 0 }; throw }";

        var workers = Enumerable.Range(0, 3).Select(_ => PwshProcess.StartScript(script)).ToList();
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
        using (var doomed = PwshProcess.StartScript(Command(api.ObjectsUri, t)))
        {
            await WaitAsync(() => api.PagesServed >= 8 || doomed.HasExited, TimeSpan.FromSeconds(60));
            Assert.False(doomed.HasExited, doomed.StdErr);
            doomed.Kill();
        }
        Assert.Equal(1, t.Count("sync_leases")); // the dead worker's lease is still there, unexpired

        var (code, _, stderr) = PwshProcess.Run(PwshProcess.StartScript(Command(api.ObjectsUri, t).Replace("| Out-Null", "-WarningVariable w | Out-Null; $w | ForEach-Object { [Console]::Error.WriteLine(\"WARN: $_\") }", StringComparison.Ordinal)), TimeSpan.FromSeconds(120));

        Assert.True(code == 0, stderr);
        Assert.Contains("WARN: Took over the lease on 'demo'", stderr, StringComparison.Ordinal);
        Assert.Equal(api.Collection.ValidIds.Count, t.Count("museum_records"));
        Assert.Equal(api.Collection.InvalidLines.Count, t.Count("sync_dead_letters"));
    }

    [Fact]
    public void Partition_Removed_SyncMuseumRecordHasNoPartitionParameter()
    {
        // -Partition only renamed the lease (issue #15): every partition fetched the whole source. Submit-MuseumSync splits for real.
        using var ps = PowerShellSession.Create();
        Assert.Empty(ps.Invoke("(Get-Command Sync-MuseumRecord).Parameters.Keys | Where-Object { $_ -eq 'Partition' }"));
        Assert.Empty(ps.Errors);
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(5);
    }
}
