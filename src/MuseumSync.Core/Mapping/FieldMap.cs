namespace MuseumSync.Mapping;

/// <summary>
/// Which JSON property of a source record feeds which <see cref="MuseumRecord"/> field.
/// The defaults are the generic REST profile (<c>ObjectID</c>, <c>title</c>, <c>creation_date_iso</c>, …).
/// </summary>
public sealed class FieldMap
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

    /// <summary>The property names in <see cref="MappedField"/> order.</summary>
    internal string[] Names() =>
        [ObjectId, AccessionNumber, Title, CreationDate, RightsStatement, EmbargoDate, AccessTier, IiifManifestUrl, MediaUrl];
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
}
