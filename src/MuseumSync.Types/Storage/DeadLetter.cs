namespace MuseumSync;

/// <summary>A record that failed validation, kept with everything needed to understand and replay it.</summary>
public sealed class DeadLetter
{
    /// <summary>The row id.</summary>
    public long Id { get; init; }

    /// <summary>The source name.</summary>
    public required string Source { get; init; }

    /// <summary>The object id, when the record had one.</summary>
    public string? ObjectId { get; init; }

    /// <summary>The payload exactly as received (bytes that were not valid UTF-8 show as U+FFFD here; <see cref="PayloadBytes"/> keeps them).</summary>
    public required string Payload { get; init; }

    /// <summary>The payload's bytes exactly as received when they were not valid UTF-8 text; null otherwise. A replay reads these.</summary>
    public byte[]? PayloadBytes { get; init; }

    /// <summary>Why it was rejected.</summary>
    public IReadOnlyList<ValidationIssue> Reasons { get; init; } = Array.Empty<ValidationIssue>();

    /// <summary>The page URL it came from (secrets masked).</summary>
    public string? SourceUrl { get; init; }

    /// <summary>The page position it came from.</summary>
    public string? Position { get; init; }

    /// <summary>The correlation id of the request that fetched it.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>When it was first dead-lettered.</summary>
    public DateTimeOffset FirstSeen { get; init; }

    /// <summary>When the same payload was last seen.</summary>
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>How often it was processed and rejected.</summary>
    public int AttemptCount { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Source}/{ObjectId ?? "?"}: {string.Join("; ", Reasons.Select(r => r.Message))}";
}

/// <summary>Which dead letters to return.</summary>
public sealed class DeadLetterQuery
{
    /// <summary>Only this source; all when null.</summary>
    public string? Source { get; init; }

    /// <summary>Only dead letters last seen at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>At most this many (the oldest first, by id); all when null.</summary>
    public int? Limit { get; init; }
}
