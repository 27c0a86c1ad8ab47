using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MuseumSync.Storage;

namespace MuseumSync.Benchmarks.Floor;

/// <summary>
/// The work issue #18's floor cannot avoid, shared by the floor program (<see cref="FloorProgram"/>, no PowerShell) and
/// the floor pipeline (<see cref="InvokeFloorPollCommand"/> | <see cref="SyncFloorRecordCommand"/>, in pwsh): GET the
/// mock API's NDJSON pages, parse each record's fields, hash the payload and the fields with XxHash128 (our content
/// hash's algorithm over the same input), upsert into the same SQLite table. Nothing else: no validation, no dead
/// letters, no checkpoint.
/// </summary>
internal static class FloorParser
{
    public static readonly string[] Fields = ["accession_number", "title", "creation_date_iso", "rights_statement", "embargo_date", "access_tier", "iiif_manifest_url", "media_url"];

    /// <summary>The record's id and mapped fields; false for a line that is not a JSON object with an ObjectID, or has no title (the table requires one).</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, string?[] values, out string objectId)
    {
        objectId = string.Empty;
        Array.Clear(values);
        var reader = new Utf8JsonReader(line);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var index = -2;
                if (reader.ValueTextEquals("ObjectID"u8)) index = -1;
                else
                {
                    for (var f = 0; f < Fields.Length; f++)
                    {
                        if (reader.ValueTextEquals(Fields[f])) { index = f; break; }
                    }
                }
                reader.Read();
                if (index == -2 || reader.TokenType is JsonTokenType.Null) { reader.Skip(); continue; }
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                if (index == -1) objectId = text ?? string.Empty;
                else values[index] = text;
            }
            // title is NOT NULL in the table: a line without one cannot be stored at all. access_tier is NOT NULL too;
            // a record without one gets a tier, as the product's tier rules give it one.
            if (objectId.Length == 0 || values[1] is null) return false;
            values[5] ??= "restricted";
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>The mock API's pages, each requested while the one before is being stored (the one overlap a minimal program gets for free).</summary>
internal sealed class FloorPages : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All }) { Timeout = TimeSpan.FromSeconds(100) };
    private readonly string _baseUrl;
    private readonly int _pageSize;

    public FloorPages(string baseUrl, int pageSize)
    {
        _baseUrl = baseUrl;
        _pageSize = pageSize;
    }

    /// <summary>
    /// Every page in turn with the cursor that follows it; <paramref name="sequential"/> waits for each request before
    /// the next. A page's bytes are valid until the loop asks for the next page: they live in a pooled buffer (a page of
    /// 500 records is about half a megabyte, so a new array per page would be a large-object allocation each time).
    /// </summary>
    public async IAsyncEnumerable<(ReadOnlyMemory<byte> Body, string? Cursor)> ReadAllAsync(bool sequential, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Task<(byte[] Buffer, int Length, string? Cursor)>? ahead = FetchAsync(null, cancellationToken);
        for (var pages = 0; ahead is not null && pages < 10_000_000; pages++)
        {
            var page = await ahead.ConfigureAwait(false);
            try
            {
                ahead = page.Cursor is null ? null : FetchAsync(page.Cursor, cancellationToken);
                if (sequential && ahead is not null) await ahead.ConfigureAwait(false);
                yield return (page.Buffer.AsMemory(0, page.Length), page.Cursor);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(page.Buffer);
            }
        }
    }

    private async Task<(byte[] Buffer, int Length, string? Cursor)> FetchAsync(string? from, CancellationToken cancellationToken)
    {
        var url = $"{_baseUrl}/objects?limit={_pageSize.ToString(CultureInfo.InvariantCulture)}" + (from is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(from));
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        var length = 0;
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length < buffer.Length) continue;
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        return (buffer, length, response.Headers.TryGetValues("X-Next-Cursor", out var next) ? next.FirstOrDefault() : null);
    }

    /// <summary>Each non-empty line of an NDJSON page.</summary>
    public static void ForEachLine(ReadOnlySpan<byte> body, LineAction action)
    {
        var rest = body;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (!line.IsEmpty) action(line);
        }
    }

    public delegate void LineAction(ReadOnlySpan<byte> line);

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// The upsert into the product's own <c>museum_records</c> table (made by our migrations: same columns, unique key and
/// indexes), through one prepared statement bound by index with UTF-8 text (the product's <see cref="Storage.Sqlite.RawStatement"/>,
/// so the floor binds no slower than the product does), in transactions of <c>batch</c> records, WAL with synchronous=NORMAL.
/// </summary>
internal sealed class FloorSink : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Storage.Sqlite.RawStatement _upsert;
    private readonly ArrayBufferWriter<byte> _hashInput = new(4096);
    private readonly int _batch;
    private SqliteTransaction _tx;
    private int _pending;

    private FloorSink(SqliteConnection connection, int batch)
    {
        _connection = connection;
        _batch = batch;
        _tx = connection.BeginTransaction();
        // ?1 source, ?2 id, ?3-?10 the fields, ?11 raw, ?12 hash, ?13 position, ?14 now.
        _upsert = new Storage.Sqlite.RawStatement(connection, """
            INSERT INTO museum_records (source, object_id, accession_number, title, creation_date, rights_statement, embargo_date,
                access_tier, iiif_manifest_url, media_url, raw_json, content_hash, position, first_seen_utc, last_changed_utc)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
            ON CONFLICT (source, object_id) DO UPDATE SET
                accession_number = excluded.accession_number, title = excluded.title, creation_date = excluded.creation_date,
                rights_statement = excluded.rights_statement, embargo_date = excluded.embargo_date, access_tier = excluded.access_tier,
                iiif_manifest_url = excluded.iiif_manifest_url, media_url = excluded.media_url, raw_json = excluded.raw_json,
                content_hash = excluded.content_hash, position = excluded.position, last_changed_utc = excluded.last_changed_utc
            WHERE museum_records.content_hash IS NOT excluded.content_hash
            """);
        // Bindings outlive sqlite3_reset: the run's constants are bound once.
        _upsert.Text(1, "bench");
        _upsert.Text(14, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
    }

    /// <summary>Rows upserted so far.</summary>
    public long Rows { get; private set; }

    public static async Task<FloorSink> OpenAsync(string database, int batch)
    {
        // The same schema as the product's (every migration), then a plain connection for the upserts.
        await using (var store = await SyncStoreFactory.OpenAndInitializeAsync(new StoreOptions { Database = database }, CancellationToken.None).ConfigureAwait(false))
        {
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
            pragma.ExecuteNonQuery();
        }
        return new FloorSink(connection, batch);
    }

    /// <summary>Hashes and upserts one record; commits when the transaction holds <c>batch</c> records.</summary>
    public void Add(string objectId, string?[] values, ReadOnlySpan<byte> line, string position)
    {
        _hashInput.ResetWrittenCount();
        _hashInput.Write(line);
        foreach (var v in values)
        {
            _hashInput.Write([(byte)0x1f]);
            if (v is not null) Encoding.UTF8.GetBytes(v, _hashInput);
        }
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(_hashInput.WrittenSpan, hash);
        _upsert.Text(2, objectId);
        for (var f = 0; f < values.Length; f++) _upsert.Text(3 + f, values[f]);
        _upsert.Utf8(11, line);
        _upsert.Blob(12, hash);
        _upsert.Text(13, position);
        _upsert.Execute();
        Rows++;
        if (++_pending == _batch) Complete();
    }

    /// <summary>Commits the open transaction and opens the next.</summary>
    public void Complete()
    {
        _tx.Commit();
        _tx.Dispose();
        _tx = _connection.BeginTransaction();
        _pending = 0;
    }

    public void Dispose()
    {
        _tx.Dispose();
        _upsert.Dispose();
        _connection.Dispose();
    }
}
