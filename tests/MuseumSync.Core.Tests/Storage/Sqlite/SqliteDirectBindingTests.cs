using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using MuseumSync.Storage;
using MuseumSync.Storage.Sqlite;
using SQLitePCL;

namespace MuseumSync.Core.Tests.Storage.Sqlite;

/// <summary>
/// The batch rows bound in place (<c>SQLITE_STATIC</c> from the pinned chunks, through <see cref="SqliteNative"/>)
/// store exactly what the copying SQLitePCLRaw path stores: the same text, bytes, NULLs and empty strings, row by row,
/// and the store falls back to copying when the native library is not the one that opened its connection.
/// </summary>
public sealed class SqliteDirectBindingTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_t1 = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_t2 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private const string AllColumns = "rowid, source, object_id, accession_number, title, creation_date, rights_statement, embargo_date, access_tier, iiif_manifest_url, media_url, raw_json, hex(content_hash), position, source_url, correlation_id, first_seen_utc, last_changed_utc, access_tier_assigned, tier_rule, creation_sort, creation_end_date, creation_end_sort";

    private SqliteTestDatabase _direct = null!;
    private SqliteTestDatabase _copied = null!;

    public async Task InitializeAsync()
    {
        _direct = await SqliteTestDatabase.CreateAsync();
        _copied = await SqliteTestDatabase.CreateAsync();
        _copied.Store.DirectBinding = false;
    }

    public async Task DisposeAsync()
    {
        await _direct.DisposeAsync();
        await _copied.DisposeAsync();
    }

    /// <summary>Rows that differ only in their title and in which optional fields are null, ~2 KB each: a batch of them spans several 256 KiB chunks.</summary>
    private static MuseumRecord Twin(int n, string title, string? id = null) => new()
    {
        Source = "met",
        ObjectId = id ?? "twin-" + n,
        AccessionNumber = "acc",
        Title = title,
        CreationDate = n % 3 == 0 ? null : "1889",
        CreationEndDate = n % 2 == 0 ? "1890" : null,
        RightsStatement = "http://rightsstatements.org/vocab/InC/1.0/",
        EmbargoDate = n % 2 == 0 ? new DateOnly(2030, 1, 1).AddDays(n) : null,
        AccessTier = (AccessTier)(n % 3),
        AssignedAccessTier = n % 2 == 1 ? AccessTier.Research : null,
        TierRule = n % 2 == 1 ? "embargo-active" : null,
        IiifManifestUrl = "https://iiif.example/m",
        MediaUrl = n % 5 == 0 ? string.Empty : "https://media.example/i.jpg",
        RawJson = "{\"pad\":\"" + new string('x', 2000) + "\"}",
        Position = "p",
    };

    private static MuseumRecord AllEmpty(string id = "empty") => new()
    {
        Source = "met",
        ObjectId = id,
        AccessionNumber = string.Empty,
        Title = string.Empty,
        CreationDate = string.Empty,
        CreationEndDate = string.Empty,
        RightsStatement = string.Empty,
        IiifManifestUrl = string.Empty,
        MediaUrl = string.Empty,
        RawJson = string.Empty,
        Position = string.Empty,
        SourceUrl = string.Empty,
        CorrelationId = string.Empty,
        TierRule = string.Empty,
    };

    private static MuseumRecord AllNull(string title = "untitled") => new() { Source = "met", ObjectId = "null", Title = title, RawJson = "{}" }; // title is NOT NULL

    private static MuseumRecord NonAscii(string raw) => new()
    {
        Source = "met",
        ObjectId = "Ōkubo-🎨",
        Title = "山水図 — Ἀθηνᾶ Παρθένος, Müller \"Quilt\" 🎨 \\ tab\t",
        AccessionNumber = "Ἀ-1",
        RawJson = raw,
        Position = "ü",
        SourceUrl = "http://127.0.0.1/objects?q=山水",
        CorrelationId = "🎨",
    };

    private static async Task<BatchResult> CommitAsync(SqliteSyncStore store, IReadOnlyList<MuseumRecord> records, DateTimeOffset now) =>
        await store.CommitBatchAsync(new SyncBatch { Source = "met", Records = records, DeadLetters = [], Now = now }, CancellationToken.None);

    private static Task<List<object?[]>> RowsAsync(string path, string sql) => SqliteTestDatabase.ReadRowsAsync(path, sql);

    private async Task<(BatchResult Direct, BatchResult Copied)> BothAsync(IReadOnlyList<MuseumRecord> records, DateTimeOffset now) =>
        (await CommitAsync(_direct.Store, records, now), await CommitAsync(_copied.Store, records, now));

    [Fact]
    public async Task CommitBatch_BoundInPlace_StoresExactlyWhatTheCopyingPathStores()
    {
        var huge = "{\"t\":\"" + string.Concat(Enumerable.Repeat("山水図 🎨 ", 30_000)) + "\"}"; // ~420 KB of UTF-8: more than a chunk
        var batch1 = new List<MuseumRecord> { AllEmpty(), AllNull(), NonAscii(huge) };
        batch1.AddRange(Enumerable.Range(0, 700).Select(n => Twin(n, "twin " + n)));
        // The second batch updates every row (the UPDATE statement), with the optional fields' nulls swapped, and inserts one.
        var batch2 = new List<MuseumRecord> { NonAscii("{\"short\":\"山\"}"), AllNull("now set"), AllEmpty("empty-2") };
        batch2.AddRange(Enumerable.Range(0, 700).Select(n => Twin(n + 1, "twin " + n + " v2", "twin-" + n)));

        var first = await BothAsync(batch1, s_t1);
        var second = await BothAsync(batch2, s_t2);

        Assert.True(_direct.Store.BindsDirectly, "The native library SQLitePCLRaw loaded was not found or not recognised: the batch rows were copied.");
        Assert.False(_copied.Store.BindsDirectly);
        Assert.Equal(703, first.Direct.Inserted);
        Assert.Equal(first.Copied, first.Direct);
        Assert.Equal((1, 702), (second.Direct.Inserted, second.Direct.Updated));
        Assert.Equal(second.Copied, second.Direct);
        var direct = await RowsAsync(_direct.Path, $"SELECT {AllColumns} FROM museum_records ORDER BY object_id");
        var copied = await RowsAsync(_copied.Path, $"SELECT {AllColumns} FROM museum_records ORDER BY object_id");
        Assert.Equal(704, direct.Count);
        for (var i = 0; i < direct.Count; i++) Assert.Equal(copied[i], direct[i]);

        // And each is what was sent: the twins kept their own titles and nulls, empty strings stayed text.
        var titles = await RowsAsync(_direct.Path, "SELECT object_id, title, embargo_date, access_tier_assigned, media_url FROM museum_records WHERE object_id LIKE 'twin-%'");
        foreach (var row in titles)
        {
            var n = int.Parse(((string)row[0]!)["twin-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("twin " + n + " v2", row[1]);
            Assert.Equal((n + 1) % 2 == 0 ? new DateOnly(2030, 1, 1).AddDays(n + 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null, row[2]);
            Assert.Equal((n + 1) % 2 == 1 ? "research" : null, row[3]);
            Assert.Equal((n + 1) % 5 == 0 ? string.Empty : "https://media.example/i.jpg", row[4]);
        }
        var empty = Assert.Single(await RowsAsync(_direct.Path, "SELECT accession_number, title, creation_date, creation_end_date, rights_statement, iiif_manifest_url, media_url, raw_json, position, source_url, correlation_id, tier_rule FROM museum_records WHERE object_id = 'empty-2'"));
        Assert.All(empty, v => Assert.Equal(string.Empty, v));
        var nulls = Assert.Single(await RowsAsync(_direct.Path, "SELECT typeof(accession_number), typeof(creation_date), typeof(embargo_date), typeof(media_url), typeof(position), typeof(access_tier_assigned), typeof(creation_sort), typeof(creation_end_sort), title FROM museum_records WHERE object_id = 'null'"));
        Assert.Equal(["null", "null", "null", "null", "null", "null", "null", "null", "now set"], nulls);
        var text = Assert.Single(await RowsAsync(_direct.Path, "SELECT title, raw_json FROM museum_records WHERE object_id = 'Ōkubo-🎨'"));
        Assert.Equal(NonAscii("").Title, text[0]);
        Assert.Equal("{\"short\":\"山\"}", text[1]);
    }

    [Fact]
    public async Task CommitBatch_HugeValueBoundInPlace_RoundTripsAndIsUnchangedNextTime()
    {
        var huge = "{\"t\":\"" + string.Concat(Enumerable.Repeat("Ἀθηνᾶ 🎨 ", 40_000)) + "\"}"; // ~560 KB: a chunk of its own
        var records = new[] { Twin(1, "before"), NonAscii(huge), Twin(2, "after") };

        Assert.Equal(3, (await CommitAsync(_direct.Store, records, s_t1)).Inserted);

        var row = Assert.Single(await RowsAsync(_direct.Path, "SELECT raw_json, length(CAST(raw_json AS BLOB)) FROM museum_records WHERE object_id = 'Ōkubo-🎨'"));
        Assert.Equal(huge, row[0]);
        Assert.Equal((long)System.Text.Encoding.UTF8.GetByteCount(huge), row[1]);
        Assert.Equal(3, (await CommitAsync(_direct.Store, records, s_t2)).Unchanged);
    }

    [Fact]
    public void Load_LibraryThatCannotBeFound_IsNull()
    {
        Assert.Null(SqliteNative.Load("museumsync_no_such_sqlite", typeof(SQLite3Provider_e_sqlite3).Assembly));
    }

    [Fact]
    public void IsSameLibrary_TheLibrarySqlitePclRawCalls_IsTrue_AnotherCopyIsFalse()
    {
        var shared = SqliteNative.Shared;
        Assert.NotNull(shared);
        Assert.True(shared.IsSameLibrary());

        // A second copy of the same library file, loaded from another path, is another SQLite: refused.
        var file = Directory.EnumerateFiles(AppContext.BaseDirectory, "*e_sqlite3.*", SearchOption.AllDirectories)
            .First(f => f.Contains(RuntimeInformation.RuntimeIdentifier, StringComparison.Ordinal) && !f.EndsWith(".a", StringComparison.Ordinal));
        var copy = Path.Combine(_direct.Directory, "copy-" + Path.GetFileName(file));
        File.Copy(file, copy);
        var other = NativeLibrary.Load(copy);
        try
        {
            Assert.False(SqliteNative.FromLibrary(other).IsSameLibrary());
        }
        finally
        {
            NativeLibrary.Free(other);
        }
    }

    [Fact]
    public async Task DisableMemoryStatistics_AfterSqliteStarted_LeavesThemAndDoesNotThrow()
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _direct.Path, Pooling = false }.ToString());
        await c.OpenAsync(); // SQLite is initialised now (the store's open did that already)

        Assert.False(SqliteNative.TryDisableMemoryStatistics());
    }
}
