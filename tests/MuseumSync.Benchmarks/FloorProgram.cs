using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MuseumSync.Storage;

namespace MuseumSync.Benchmarks;

/// <summary>
/// The floor of issue #18: a minimal program doing only the work a sync cannot avoid, run by ../shared/bench/run.sh
/// beside the seed poller and our pwsh pipeline. It GETs the mock API's NDJSON pages with our default page size (500),
/// parses each record's fields, hashes the payload and the fields with XxHash128 (our content hash's algorithm over the
/// same input), and upserts into the same SQLite table (created by our own migrations: same columns, keys, indexes)
/// with our default transaction size (1,000 records). The next page is requested while the current one is stored, as
/// our pipeline does (the one overlap a minimal program gets for free); --sequential waits for each page in turn. Nothing else: no validation, no dead letters (a line that is not a JSON
/// object with an ObjectID and a title, which the table requires, is counted and skipped), no checkpoint, no PowerShell. Reads MS_BENCH_URL and MS_BENCH_DB as run.sh sets them.
///   dotnet tests/MuseumSync.Benchmarks/bin/Release/net10.0/MuseumSync.Benchmarks.dll --floor [--page-size 500] [--batch 1000] [--sequential]
/// </summary>
internal static class FloorProgram
{
    private static readonly string[] s_fields = ["accession_number", "title", "creation_date_iso", "rights_statement", "embargo_date", "access_tier", "iiif_manifest_url", "media_url"];

    public static async Task<int> RunAsync(string[] args)
    {
        var pageSize = 500;
        var batch = 1000;
        var sequential = args.Contains("--sequential");
        args = [.. args.Where(a => a != "--sequential")];
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--page-size": pageSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}; usage: --floor [--page-size N] [--batch N] [--sequential]"); return 2;
            }
        }
        var baseUrl = Environment.GetEnvironmentVariable("MS_BENCH_URL") ?? throw new InvalidOperationException("MS_BENCH_URL is not set (run.sh sets it).");
        var db = Environment.GetEnvironmentVariable("MS_BENCH_DB") ?? throw new InvalidOperationException("MS_BENCH_DB is not set (run.sh sets it).");

        // The same schema as the product's (every migration), then a plain connection for the upserts.
        await using (var store = await SyncStoreFactory.OpenAndInitializeAsync(new StoreOptions { Database = db }, CancellationToken.None))
        {
        }
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        await connection.OpenAsync();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync();
        }

        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All }) { Timeout = TimeSpan.FromSeconds(100) };
        string? cursor = null;
        long rows = 0, malformed = 0, pages = 0;
        var pending = 0;
        var tx = connection.BeginTransaction();
        using var upsert = connection.CreateCommand();
        upsert.Transaction = tx;
        upsert.CommandText = """
            INSERT INTO museum_records (source, object_id, accession_number, title, creation_date, rights_statement, embargo_date,
                access_tier, iiif_manifest_url, media_url, raw_json, content_hash, position, first_seen_utc, last_changed_utc)
            VALUES ('bench', $id, $f0, $f1, $f2, $f3, $f4, $f5, $f6, $f7, $raw, $hash, $pos, $now, $now)
            ON CONFLICT (source, object_id) DO UPDATE SET
                accession_number = excluded.accession_number, title = excluded.title, creation_date = excluded.creation_date,
                rights_statement = excluded.rights_statement, embargo_date = excluded.embargo_date, access_tier = excluded.access_tier,
                iiif_manifest_url = excluded.iiif_manifest_url, media_url = excluded.media_url, raw_json = excluded.raw_json,
                content_hash = excluded.content_hash, position = excluded.position, last_changed_utc = excluded.last_changed_utc
            WHERE museum_records.content_hash IS NOT excluded.content_hash
            """;
        var id = upsert.Parameters.Add("$id", SqliteType.Text);
        var fields = new SqliteParameter[s_fields.Length];
        for (var f = 0; f < fields.Length; f++) fields[f] = upsert.Parameters.Add("$f" + f.ToString(CultureInfo.InvariantCulture), SqliteType.Text);
        var raw = upsert.Parameters.Add("$raw", SqliteType.Text);
        var hashParameter = upsert.Parameters.Add("$hash", SqliteType.Blob);
        var position = upsert.Parameters.Add("$pos", SqliteType.Text);
        upsert.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        upsert.Prepare();

        var values = new string?[s_fields.Length];
        var hashInput = new ArrayBufferWriter<byte>(4096);
        async Task<(byte[] Body, string? Cursor)> FetchAsync(string? from)
        {
            var url = $"{baseUrl}/objects?limit={pageSize}" + (from is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(from));
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            var bytes = await response.Content.ReadAsByteArrayAsync();
            return (bytes, response.Headers.TryGetValues("X-Next-Cursor", out var next) ? next.FirstOrDefault() : null);
        }
        Task<(byte[] Body, string? Cursor)>? ahead = FetchAsync(null);
        while (ahead is not null && pages < 10_000_000)
        {
            (var body, cursor) = await ahead;
            pages++;
            ahead = cursor is null ? null : FetchAsync(cursor);
            if (sequential && ahead is not null) await ahead;
            var rest = body.AsSpan();
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf((byte)'\n');
                var line = end < 0 ? rest : rest[..end];
                rest = end < 0 ? [] : rest[(end + 1)..];
                if (line.IsEmpty) continue;
                // title is NOT NULL in the table: a line without one cannot be stored at all. access_tier is NOT NULL
                // too; a record without one gets a tier, as the product's tier rules give it one.
                if (!TryParse(line, values, out var objectId) || values[1] is null)
                {
                    malformed++;
                    continue;
                }
                values[5] ??= "restricted";
                hashInput.ResetWrittenCount();
                hashInput.Write(line);
                foreach (var v in values)
                {
                    hashInput.Write([(byte)0x1f]);
                    if (v is not null) Encoding.UTF8.GetBytes(v, hashInput);
                }
                id.Value = objectId;
                for (var f = 0; f < fields.Length; f++) fields[f].Value = (object?)values[f] ?? DBNull.Value;
                raw.Value = Encoding.UTF8.GetString(line);
                hashParameter.Value = XxHash128.Hash(hashInput.WrittenSpan);
                position.Value = cursor ?? string.Empty;
                upsert.ExecuteNonQuery(); // Microsoft.Data.Sqlite runs its async calls synchronously anyway
                rows++;
                if (++pending == batch)
                {
                    tx.Commit();
                    tx.Dispose();
                    tx = connection.BeginTransaction();
                    upsert.Transaction = tx;
                    pending = 0;
                }
            }
        }
        await tx.CommitAsync();
        await tx.DisposeAsync();
        Console.WriteLine($"floor: {rows} records upserted from {pages} pages, {malformed} lines skipped (not JSON, or no ObjectID or title)");
        return 0;
    }

    // The record's id and mapped fields; false for a line that is not a JSON object with an ObjectID.
    private static bool TryParse(ReadOnlySpan<byte> line, string?[] values, out string objectId)
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
                    for (var f = 0; f < s_fields.Length; f++)
                    {
                        if (reader.ValueTextEquals(s_fields[f])) { index = f; break; }
                    }
                }
                reader.Read();
                if (index == -2 || reader.TokenType is JsonTokenType.Null) { reader.Skip(); continue; }
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                if (index == -1) objectId = text ?? string.Empty;
                else values[index] = text;
            }
            return objectId.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
