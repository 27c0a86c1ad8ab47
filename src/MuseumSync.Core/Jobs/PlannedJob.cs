using System.Globalization;
using System.Text.Json;

namespace MuseumSync.Jobs;

/// <summary>
/// One job of a submission as the store keeps it (<c>sync_jobs</c>): plain data only, so the job engine carries just
/// the submission id and <see cref="Key"/>, never settings or credentials.
/// </summary>
internal sealed record PlannedJob
{
    /// <summary>Unique within its submission: <c>list</c>, <c>ids:0-499</c>, <c>window:2024-01-01..2024-02-01</c>, <c>feed</c>.</summary>
    public required string Key { get; init; }

    /// <summary>What the job does.</summary>
    public required JobKind Kind { get; init; }

    /// <summary>A chunk's ids, in id-list order; empty for other kinds.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>A list job's ids per chunk job (<c>-IdsPerJob</c> at submission); null for other kinds.</summary>
    public int? IdsPerJob { get; init; }

    /// <summary>A window's first instant (inclusive); null for other kinds.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>A window's end (exclusive for every window but the last, which ends at the submission's start); null for other kinds.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>What the job covers, for people: the id range or the window.</summary>
    public string Describe() => Kind switch
    {
        JobKind.List => "id list",
        JobKind.Chunk => Ids.Count == 0 ? "no ids" : string.Create(CultureInfo.InvariantCulture, $"{Ids.Count} ids {Ids[0]}..{Ids[^1]}"),
        JobKind.Window => string.Create(CultureInfo.InvariantCulture, $"{From:yyyy-MM-dd'T'HH:mm:ss'Z'}..{Until:yyyy-MM-dd'T'HH:mm:ss'Z'}"),
        _ => "whole feed",
    };

    /// <summary>The job's data as stored (ids or window) in the <c>payload</c> column.</summary>
    public string Payload() => Kind switch
    {
        JobKind.Chunk => JsonSerializer.Serialize(Ids),
        JobKind.List => JsonSerializer.Serialize(new[] { IdsPerJob?.ToString(CultureInfo.InvariantCulture) }),
        JobKind.Window => JsonSerializer.Serialize(new[] { From?.ToString("O", CultureInfo.InvariantCulture), Until?.ToString("O", CultureInfo.InvariantCulture) }),
        _ => "[]",
    };

    /// <summary>A job read back from its stored columns.</summary>
    public static PlannedJob FromStored(string key, string kind, string payload)
    {
        var k = Enum.Parse<JobKind>(kind, ignoreCase: false);
        var values = JsonSerializer.Deserialize<string?[]>(payload) ?? [];
        return k switch
        {
            JobKind.Chunk => new PlannedJob { Key = key, Kind = k, Ids = values.Select(v => v ?? string.Empty).ToArray() },
            JobKind.Window => new PlannedJob { Key = key, Kind = k, From = Time(values, 0), Until = Time(values, 1) },
            JobKind.List => new PlannedJob { Key = key, Kind = k, IdsPerJob = values.Length > 0 && values[0] is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : null },
            _ => new PlannedJob { Key = key, Kind = k },
        };
    }

    private static DateTimeOffset? Time(string?[] values, int i) =>
        values.Length > i && values[i] is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;
}
