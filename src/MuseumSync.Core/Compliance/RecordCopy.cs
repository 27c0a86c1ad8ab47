namespace MuseumSync.Compliance;

/// <summary>
/// The one field-by-field copy of a <see cref="MuseumRecord"/>: a record with one more issue, so that the batch builder
/// dead-letters it like any invalid record (<see cref="WithIssue"/>), and the dead letter a store can hold
/// (<c>StorableRecord</c>). <c>RecordCopyTests</c> fails when <see cref="MuseumRecord"/> gains a property this copy does
/// not carry over.
/// </summary>
internal static class RecordCopy
{
    public static MuseumRecord WithIssue(MuseumRecord r, ValidationIssue issue, string? tierRule) =>
        Copy(r, [.. r.Issues, issue], tierRule, r.IsDeleted, r.ObjectId, static text => text);

    /// <summary>
    /// <paramref name="r"/> with <paramref name="issues"/>, <paramref name="tierRule"/>, no assigned tier, and
    /// <paramref name="objectId"/>; its payload, position, page URL and correlation id pass through <paramref name="text"/>.
    /// </summary>
    public static MuseumRecord Copy(MuseumRecord r, IReadOnlyList<ValidationIssue> issues, string? tierRule, bool isDeleted, string? objectId, Func<string?, string?> text) => new()
    {
        Source = r.Source,
        ObjectId = objectId,
        AccessionNumber = r.AccessionNumber,
        Title = r.Title,
        CreationDate = r.CreationDate,
        CreationEndDate = r.CreationEndDate,
        RightsStatement = r.RightsStatement,
        EmbargoDate = r.EmbargoDate,
        AccessTier = r.AccessTier,
        AssignedAccessTier = null,
        TierRule = tierRule,
        IiifManifestUrl = r.IiifManifestUrl,
        MediaUrl = r.MediaUrl,
        RawJson = text(r.RawJson)!,
        Issues = issues,
        Position = text(r.Position),
        ResumePosition = r.ResumePosition,
        EndOfPage = r.EndOfPage,
        EndOfFeed = r.EndOfFeed,
        Watermark = r.Watermark,
        IsDeleted = isDeleted,
        PageNumber = r.PageNumber,
        LineNumber = r.LineNumber,
        SourceUrl = text(r.SourceUrl),
        CorrelationId = text(r.CorrelationId),
        FetchedAt = r.FetchedAt,
    };
}
