using System.Data.Common;

namespace MuseumSync.Storage;

/// <summary>
/// Reads one dead letter from a row of the dead-letter query every store runs, with the same columns in the same
/// order: id, source, object_id, payload, reasons, source_url, position, correlation_id, first_seen, last_seen,
/// attempt_count. Only how a timestamp is stored differs between stores. The payload is read back as <see cref="DeadLetterPayload"/> wrote it.
/// </summary>
internal static class DeadLetterRow
{
    public static DeadLetter Read(DbDataReader r, Func<DbDataReader, int, DateTimeOffset> timestamp)
    {
        var (payload, bytes) = DeadLetterPayload.Read(r.GetString(3));
        return new DeadLetter
        {
            Id = r.GetInt64(0),
            Source = r.GetString(1),
            ObjectId = r.IsDBNull(2) ? null : r.GetString(2),
            Payload = payload,
            PayloadBytes = bytes,
            Reasons = DeadLetterReasons.FromJson(r.GetString(4)),
            SourceUrl = r.IsDBNull(5) ? null : r.GetString(5),
            Position = r.IsDBNull(6) ? null : r.GetString(6),
            CorrelationId = r.IsDBNull(7) ? null : r.GetString(7),
            FirstSeen = timestamp(r, 8),
            LastSeen = timestamp(r, 9),
            AttemptCount = r.GetInt32(10),
        };
    }
}
