namespace MuseumSync.Compliance;

/// <summary>
/// Copies a record with one more issue, so that the batch builder dead-letters it like any invalid record.
/// <c>RecordCopyTests</c> fails when <see cref="MuseumRecord"/> gains a property this copy does not carry over.
/// </summary>
internal static class RecordCopy
{
    public static MuseumRecord WithIssue(MuseumRecord r, ValidationIssue issue, string? tierRule) => new()
    {
        Source = r.Source,
        ObjectId = r.ObjectId,
        AccessionNumber = r.AccessionNumber,
        Title = r.Title,
        CreationDate = r.CreationDate,
        RightsStatement = r.RightsStatement,
        EmbargoDate = r.EmbargoDate,
        AccessTier = r.AccessTier,
        AssignedAccessTier = null,
        TierRule = tierRule,
        IiifManifestUrl = r.IiifManifestUrl,
        MediaUrl = r.MediaUrl,
        RawJson = r.RawJson,
        Issues = [.. r.Issues, issue],
        Position = r.Position,
        ResumePosition = r.ResumePosition,
        EndOfPage = r.EndOfPage,
        EndOfFeed = r.EndOfFeed,
        Watermark = r.Watermark,
        IsDeleted = r.IsDeleted,
        PageNumber = r.PageNumber,
        LineNumber = r.LineNumber,
        SourceUrl = r.SourceUrl,
        CorrelationId = r.CorrelationId,
        FetchedAt = r.FetchedAt,
    };
}
