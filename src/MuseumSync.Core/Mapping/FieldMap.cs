namespace MuseumSync.Mapping;

/// <summary>
/// Which JSON property of a source record feeds which <see cref="MuseumRecord"/> field.
/// The defaults are the generic REST profile (<c>ObjectID</c>, <c>title</c>, <c>creation_date_iso</c>, …).
/// </summary>
internal sealed class FieldMap
{
    /// <summary>The generic REST profile. The default for every property below.</summary>
    public static FieldMap Generic { get; } = new();

    /// <summary>The object id property. The default is <c>ObjectID</c>.</summary>
    public string ObjectId { get; init; } = "ObjectID";

    /// <summary>The accession number property. The default is <c>accession_number</c>.</summary>
    public string AccessionNumber { get; init; } = "accession_number";

    /// <summary>The title property. The default is <c>title</c>.</summary>
    public string Title { get; init; } = "title";

    /// <summary>The creation date property. The default is <c>creation_date_iso</c>.</summary>
    public string CreationDate { get; init; } = "creation_date_iso";

    /// <summary>
    /// The property holding the end of the creation date range (the Met's <c>objectEndDate</c>). The default is empty:
    /// unmapped, so a generic source's records keep exactly the fields (and content hashes) they had before this field existed.
    /// </summary>
    public string CreationEndDate { get; init; } = string.Empty;

    /// <summary>The rights statement property. The default is <c>rights_statement</c>.</summary>
    public string RightsStatement { get; init; } = "rights_statement";

    /// <summary>The embargo date property. The default is <c>embargo_date</c>.</summary>
    public string EmbargoDate { get; init; } = "embargo_date";

    /// <summary>The access tier property. The default is <c>access_tier</c>.</summary>
    public string AccessTier { get; init; } = "access_tier";

    /// <summary>The IIIF manifest URL property. The default is <c>iiif_manifest_url</c>.</summary>
    public string IiifManifestUrl { get; init; } = "iiif_manifest_url";

    /// <summary>The media URL property. The default is <c>media_url</c>.</summary>
    public string MediaUrl { get; init; } = "media_url";

    /// <summary>
    /// The rights statement of the whole collection, where the institution publishes one (Cooper Hewitt: CC0): a record
    /// whose <see cref="RightsStatement"/> is empty gets this URI; a record's own rights always win. The default is null (none).
    /// </summary>
    public string? CollectionRights { get; init; }

    /// <summary>The property names in <see cref="MappedField"/> order.</summary>
    internal string[] Names() =>
        [ObjectId, AccessionNumber, Title, CreationDate, RightsStatement, EmbargoDate, AccessTier, IiifManifestUrl, MediaUrl, CreationEndDate];

    /// <summary>The <see cref="MuseumRecord"/> field names a map can set, as <see cref="With"/> accepts them.</summary>
    public static IReadOnlyList<string> FieldNames { get; } =
        [nameof(ObjectId), nameof(AccessionNumber), nameof(Title), nameof(CreationDate), nameof(RightsStatement), nameof(EmbargoDate), nameof(AccessTier), nameof(IiifManifestUrl), nameof(MediaUrl), nameof(CreationEndDate)];

    /// <summary>
    /// A copy with some fields mapped differently, for example <c>@{ ObjectId = 'objectID'; Title = 'title' }</c>. Keys are
    /// <see cref="FieldNames"/> (any case); values are field expressions: a property, a path (<c>images[0].b.url</c>),
    /// alternatives (<c>accession_number | invno</c>), <c>year(path)</c>, a template (<c>https://…/{id}/manifest.json</c>),
    /// a choice (<c>isPublicDomain ? 'uri-a' : 'uri-b'</c>), a <c>'constant'</c>; empty or null leaves the field unmapped.
    /// </summary>
    public FieldMap With(IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var values = Names();
        foreach (var (key, value) in overrides)
        {
            var index = -1;
            for (var i = 0; i < FieldNames.Count; i++)
            {
                if (string.Equals(FieldNames[i], key?.Trim(), StringComparison.OrdinalIgnoreCase)) index = i;
            }
            if (index < 0)
            {
                throw new ArgumentException($"'{key}' is not a MuseumRecord field a map can set; use one of {string.Join(", ", FieldNames)}.", nameof(overrides));
            }
            var text = value ?? string.Empty;
            _ = FieldExpression.Parse(text); // fail now, with the expression in the message, not on the first record
            values[index] = text;
        }
        return FromValues(values, CollectionRights);
    }

    /// <summary>A copy whose records without rights of their own get <paramref name="rights"/> (see <see cref="CollectionRights"/>).</summary>
    public FieldMap WithCollectionRights(string? rights) => FromValues(Names(), rights);

    private static FieldMap FromValues(string[] values, string? collectionRights) => new()
    {
        ObjectId = values[0],
        AccessionNumber = values[1],
        Title = values[2],
        CreationDate = values[3],
        RightsStatement = values[4],
        EmbargoDate = values[5],
        AccessTier = values[6],
        IiifManifestUrl = values[7],
        MediaUrl = values[8],
        CreationEndDate = values[9],
        CollectionRights = collectionRights,
    };

    /// <summary>The top-level properties the object id comes from: a root object holding one is a record, not an envelope.</summary>
    internal IReadOnlyCollection<string> RecordIdNames() =>
        FieldExpression.Parse(ObjectId).Paths.Where(p => p.Length > 0 && !p.Segments[0].IsIndex).Select(p => p.Segments[0].Name!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The parsed expressions in <see cref="MappedField"/> order.</summary>
    internal FieldExpression[] Expressions() => Names().Select(FieldExpression.Parse).ToArray();

    /// <summary>True when every field is a top-level property name (or unmapped): the fast single-pass mapper applies.</summary>
    internal bool IsSimple() => Expressions().All(e => e.IsTopLevelName || ReferenceEquals(e, FieldExpression.Unmapped));

    /// <inheritdoc />
    public override string ToString() =>
        string.Join("; ", FieldNames.Zip(Names(), (f, e) => $"{f} = {(e.Length == 0 ? "(none)" : e)}")) + (CollectionRights is null ? string.Empty : $"; collection rights = {CollectionRights}");
}

/// <summary>The <see cref="MuseumRecord"/> fields a <see cref="FieldMap"/> fills, in a fixed order.</summary>
internal enum MappedField
{
    ObjectId,
    AccessionNumber,
    Title,
    CreationDate,
    RightsStatement,
    EmbargoDate,
    AccessTier,
    IiifManifestUrl,
    MediaUrl,
    CreationEndDate,
}
