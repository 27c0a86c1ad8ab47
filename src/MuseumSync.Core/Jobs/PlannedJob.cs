using System.Globalization;
using System.Text.Json;

namespace MuseumSync.Jobs;

/// <summary>
/// One job of a submission as the store keeps it (<c>sync_jobs</c>): plain data only, so the job engine carries just
/// the submission id and <see cref="Key"/>, never settings or credentials.
/// </summary>
internal sealed record PlannedJob
{
    /// <summary>Unique within its submission: <c>list</c>, <c>ids:0</c>, <c>ids:500</c> (the first id's index in the list), <c>feed</c>, <c>windows</c>, <c>window:2025-01-01T00:00:00Z..2025-01-08T00:00:00Z</c>.</summary>
    public required string Key { get; init; }

    /// <summary>What the job does.</summary>
    public required JobKind Kind { get; init; }

    /// <summary>A chunk's ids, in id-list order; empty for other kinds.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>A list job's ids per chunk job (<c>-IdsPerJob</c> at submission); null for other kinds.</summary>
    public int? IdsPerJob { get; init; }

    /// <summary>A planning job's days per window (<c>-WindowDays</c> at submission); null for other kinds.</summary>
    public int? WindowDays { get; init; }

    /// <summary>A window's lower bound (inclusive); null: from the source's beginning.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>A window's upper bound (exclusive in intent, see <see cref="Polling.PollRequest.Until"/>); null for other kinds.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>What the job covers, for people: the id range, or the date window.</summary>
    public string Describe() => Kind switch
    {
        JobKind.List => "id list",
        JobKind.Windows => string.Create(CultureInfo.InvariantCulture, $"date windows of {WindowDays} days"),
        JobKind.Window => $"{(From is { } f ? JobPlanner.Stamp(f) : "(beginning)")}..{(Until is { } u ? JobPlanner.Stamp(u) : "(now)")}",
        JobKind.Chunk => Ids.Count == 0 ? "no ids" : string.Create(CultureInfo.InvariantCulture, $"{Ids.Count} ids {Ids[0]}..{Ids[^1]}"),
        _ => "whole feed",
    };

    /// <summary>The job's data as stored in the <c>payload</c> column (a chunk's ids, a list job's ids per chunk).</summary>
    public string Payload() => Kind switch
    {
        JobKind.Chunk => JsonSerializer.Serialize(Ids),
        JobKind.List => JsonSerializer.Serialize(new[] { IdsPerJob?.ToString(CultureInfo.InvariantCulture) }),
        JobKind.Windows => JsonSerializer.Serialize(new[] { WindowDays?.ToString(CultureInfo.InvariantCulture) }),
        JobKind.Window => JsonSerializer.Serialize(new[] { From is { } f ? JobTables.Iso(f) : null, Until is { } u ? JobTables.Iso(u) : null }),
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
            JobKind.List => new PlannedJob { Key = key, Kind = k, IdsPerJob = values.Length > 0 && values[0] is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : null },
            JobKind.Windows => new PlannedJob { Key = key, Kind = k, WindowDays = values.Length > 0 && values[0] is { } d ? int.Parse(d, CultureInfo.InvariantCulture) : null },
            JobKind.Window => new PlannedJob { Key = key, Kind = k, From = Time(values, 0), Until = Time(values, 1) },
            _ => new PlannedJob { Key = key, Kind = k },
        };
    }

    private static DateTimeOffset? Time(string?[] values, int index) =>
        values.Length > index && values[index] is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal) : null;
}
