using System.Text.Json;

namespace MuseumSync.Json;

/// <summary>
/// The first pass over a spooled JSON page: where the records are (the array at a given path, or found: a known name
/// such as <c>data</c>, <c>records</c>, <c>objectIDs</c>, else the first non-empty array under the root), how many there
/// are, and the scalar values at the watched paths (the next cursor, totals) wherever they sit, before or after the records.
/// Records are skipped whole, never materialised.
/// </summary>
internal sealed class JsonPageScan
{
    private const int MaxWalkDepth = 4;

    /// <summary>Array names that hold records (or ids) in museum APIs, best first.</summary>
    private static readonly string[] s_itemNames =
        ["data", "records", "objects", "items", "results", "artObjects", "artworks", "objectIDs", "ids", "rows", "hits", "docs"];

    private JsonPageScan(int watched) => Values = new string?[watched];

    /// <summary>The root is an array of records.</summary>
    public bool RootIsArray { get; private set; }

    /// <summary>The byte offset of the records array (or of a single record object found at the items path); -1 when there is none.</summary>
    public long ItemsOffset { get; private set; } = -1;

    /// <summary>True when <see cref="ItemsOffset"/> points at one object rather than an array.</summary>
    public bool ItemsIsObject { get; private set; }

    /// <summary>How many elements the records array holds.</summary>
    public int ItemCount { get; private set; }

    /// <summary>The path of the records array as found (for messages).</summary>
    public string? ItemsPath { get; private set; }

    /// <summary>Another JSON value follows the first: the body is newline-delimited JSON.</summary>
    public bool HasTrailingContent { get; private set; }

    /// <summary>The body was empty.</summary>
    public bool IsEmpty { get; private set; }

    /// <summary>The text at each watched path (null when absent or JSON null).</summary>
    public string?[] Values { get; }

    /// <param name="stream">The page.</param>
    /// <param name="itemsPath">Where the records are; null to find them.</param>
    /// <param name="watched">Paths whose scalar values to collect.</param>
    /// <param name="recordIdNames">Top-level properties that identify a record: a root object that has one (and no array under a known name) is a single record, not an envelope.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    /// <param name="maxRecordBytes">The largest record held; the scan reads past a larger one (the second pass dead-letters it).</param>
    public static async Task<JsonPageScan> ScanAsync(Stream stream, JsonPath? itemsPath, IReadOnlyList<JsonPath> watched, CancellationToken cancellationToken, IReadOnlyCollection<string>? recordIdNames = null, int maxRecordBytes = 64 * 1024 * 1024)
    {
        var scan = new JsonPageScan(watched.Count);
        using var reader = new JsonStreamReader(stream, maxElementBytes: maxRecordBytes, oversizePrefixBytes: 1);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            scan.IsEmpty = true;
            return scan;
        }
        if (reader.TokenType == JsonTokenType.StartArray && (itemsPath is null || itemsPath.Length == 0))
        {
            scan.RootIsArray = true;
            scan.ItemsOffset = reader.TokenOffset;
            scan.ItemsPath = "$";
            scan.ItemCount = await CountElementsAsync(reader, cancellationToken).ConfigureAwait(false);
            scan.HasTrailingContent = await reader.HasTrailingContentAsync(cancellationToken).ConfigureAwait(false);
            return scan;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // A bare scalar: no records; the caller reports it.
            scan.HasTrailingContent = await reader.HasTrailingContentAsync(cancellationToken).ConfigureAwait(false);
            return scan;
        }

        var path = new List<JsonPathSegment>();
        var containers = new List<(bool IsArray, int NextIndex)> { (false, 0) };
        string? name = null;
        (string Name, long Offset, int Count)? firstNonEmpty = null, firstAny = null;
        (int Rank, string Name, long Offset, int Count)? known = null;
        var rootObjectOffset = reader.TokenOffset;
        var rootHasId = false;

        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var type = reader.TokenType;
            if (type == JsonTokenType.PropertyName)
            {
                name = reader.GetText();
                continue;
            }
            if (type is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                containers.RemoveAt(containers.Count - 1);
                if (path.Count > 0 && containers.Count > 0) path.RemoveAt(path.Count - 1);
                if (containers.Count == 0) break;
                continue;
            }

            // A value: where is it?
            var parent = containers[^1];
            JsonPathSegment segment;
            if (parent.IsArray)
            {
                segment = new JsonPathSegment(null, parent.NextIndex);
                containers[^1] = (true, parent.NextIndex + 1);
            }
            else
            {
                segment = new JsonPathSegment(name ?? string.Empty, -1);
            }
            path.Add(segment);

            var isItems = itemsPath is not null && scan.ItemsOffset < 0 && itemsPath.Matches(path);
            if (type == JsonTokenType.StartArray && (isItems || (itemsPath is null && path.Count == 1)))
            {
                var offset = reader.TokenOffset;
                var count = await CountElementsAsync(reader, cancellationToken).ConfigureAwait(false);
                if (isItems)
                {
                    scan.ItemsOffset = offset;
                    scan.ItemCount = count;
                    scan.ItemsPath = itemsPath!.Text;
                }
                else
                {
                    var n = segment.Name!;
                    firstAny ??= (n, offset, count);
                    if (count > 0) firstNonEmpty ??= (n, offset, count);
                    var rank = Array.IndexOf(s_itemNames, n);
                    if (rank >= 0 && (known is null || rank < known.Value.Rank)) known = (rank, n, offset, count);
                }
                path.RemoveAt(path.Count - 1);
                continue;
            }
            if (type == JsonTokenType.StartObject && isItems)
            {
                scan.ItemsOffset = reader.TokenOffset;
                scan.ItemsIsObject = true;
                scan.ItemCount = 1;
                scan.ItemsPath = itemsPath!.Text;
                await reader.SkipAsync(cancellationToken).ConfigureAwait(false);
                path.RemoveAt(path.Count - 1);
                continue;
            }
            if (type is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (path.Count >= MaxWalkDepth)
                {
                    await reader.SkipAsync(cancellationToken).ConfigureAwait(false);
                    path.RemoveAt(path.Count - 1);
                }
                else
                {
                    containers.Add((type == JsonTokenType.StartArray, 0));
                }
                continue;
            }

            if (path.Count == 1 && recordIdNames is not null && type is JsonTokenType.String or JsonTokenType.Number && recordIdNames.Contains(segment.Name!)) rootHasId = true;
            for (var i = 0; i < watched.Count; i++)
            {
                if (scan.Values[i] is null && watched[i].Matches(path)) scan.Values[i] = reader.GetText();
            }
            path.RemoveAt(path.Count - 1);
        }

        if (scan.ItemsOffset < 0 && itemsPath is null)
        {
            var chosen = known is { } k ? (k.Name, k.Offset, k.Count) : rootHasId ? null : firstNonEmpty ?? firstAny;
            if (chosen is { } c)
            {
                scan.ItemsOffset = c.Offset;
                scan.ItemCount = c.Count;
                scan.ItemsPath = c.Name;
            }
            else
            {
                // No array: the object is one record (GET /objects/{id}).
                scan.ItemsOffset = rootObjectOffset;
                scan.ItemsIsObject = true;
                scan.ItemCount = 1;
                scan.ItemsPath = "$";
            }
        }
        scan.HasTrailingContent = await reader.HasTrailingContentAsync(cancellationToken).ConfigureAwait(false);
        return scan;
    }

    private static async ValueTask<int> CountElementsAsync(JsonStreamReader reader, CancellationToken cancellationToken)
    {
        var depth = reader.Depth;
        var count = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.TokenType == JsonTokenType.EndArray && reader.Depth == depth) return count;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) await reader.SkipAsync(cancellationToken).ConfigureAwait(false);
            count++;
        }
        throw new JsonException("The JSON ends inside an array.");
    }
}
