using MuseumSync.Storage;
using MuseumSync.Core.Tests.Storage;
using MuseumSync.Core.Tests.Storage.Sqlite;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Core.Tests.Ocr;

/// <summary>A SQLite store in a folder of its own, with records committed as a sync would.</summary>
internal sealed class OcrTestStore : IAsyncDisposable
{
    private readonly SqliteTestDatabase _db;

    private OcrTestStore(SqliteTestDatabase db) => _db = db;

    public SqliteSyncStore Store => _db.Store;

    public string Path => _db.Path;

    public static async Task<OcrTestStore> CreateAsync() => new(await SqliteTestDatabase.CreateAsync("ocr.db"));

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

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
