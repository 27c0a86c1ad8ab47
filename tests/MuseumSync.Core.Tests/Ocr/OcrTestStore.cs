using Microsoft.Data.Sqlite;
using MuseumSync.Storage;
using MuseumSync.Core.Tests.Storage;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Core.Tests.Ocr;

/// <summary>A SQLite store in a folder of its own, with records committed as a sync would.</summary>
internal sealed class OcrTestStore : IAsyncDisposable
{
    private readonly string _dir = TestPaths.TempDirectory();

    public SqliteSyncStore Store { get; private set; } = null!;

    public string Path => System.IO.Path.Combine(_dir, "ocr.db");

    public static async Task<OcrTestStore> CreateAsync()
    {
        var s = new OcrTestStore();
        s.Store = await SqliteSyncStore.OpenAsync(s.Path, create: true, CancellationToken.None);
        await s.Store.InitializeAsync(CancellationToken.None);
        return s;
    }

    public static MuseumRecord Record(string id, string? media, string? manifest = null, string source = "ocr") => new()
    {
        Source = source,
        ObjectId = id,
        Title = "Object " + id,
        MediaUrl = media,
        IiifManifestUrl = manifest,
        RawJson = $$"""{"id":"{{id}}"}""",
    };

    public Task CommitAsync(params MuseumRecord[] records) => ((ISyncStore)Store).CommitBatchAsync(new SyncBatch
    {
        Source = records[0].Source,
        Records = records,
        DeadLetters = [],
        Now = DateTimeOffset.UnixEpoch.AddYears(55),
    }, CancellationToken.None);

    public async Task<IReadOnlyList<MuseumRecordText>> LayersAsync(string source = "ocr") =>
        await Store.GetRecordTextAsync(source, null, null, 1000, CancellationToken.None);

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string source = "ocr") =>
        await Store.GetDeadLettersAsync(new DeadLetterQuery { Source = source }, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
