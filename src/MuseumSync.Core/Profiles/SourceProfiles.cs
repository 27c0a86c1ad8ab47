using MuseumSync.Auth;
using MuseumSync.Mapping;
using MuseumSync.Paging;

namespace MuseumSync.Profiles;

/// <summary>The built-in profiles. Their paging, limits and field maps follow each API's public documentation and real answers (see <c>../shared/fixtures/api/</c>).</summary>
internal static class SourceProfiles
{
    private const string Cc0 = "https://creativecommons.org/publicdomain/zero/1.0/";
    private const string InCopyright = "http://rightsstatements.org/vocab/InC/1.0/";

    /// <summary>
    /// The Met Collection API: <c>GET /objects</c> lists every object id (<c>{"total":N,"objectIDs":[…]}</c>; it ignores page
    /// sizes), <c>GET /objects/{id}</c> returns one object. 80 requests per second are allowed; above that (and after bursts)
    /// its firewall answers 403 pages in HTML for about a minute. <c>metadataDate</c> filters by modification date.
    /// </summary>
    public static SourceProfile Met { get; } = new()
    {
        Name = "Met",
        Description = "The Metropolitan Museum of Art Collection API (https://metmuseum.github.io): id list, then one GET per object",
        Uri = new Uri("https://collectionapi.metmuseum.org/public/collection/v1/objects"),
        ItemUri = "https://collectionapi.metmuseum.org/public/collection/v1/objects/{id}",
        ItemsPath = "objectIDs",
        PageSize = 500,
        LimitParameter = string.Empty,
        RequestsPerSecond = 80,
        ThrottleLimit = 8,
        ThrottleCooldown = TimeSpan.FromSeconds(60),
        SinceParameter = "metadataDate",
        SinceFormat = "yyyy-MM-dd",
        Overlap = TimeSpan.FromDays(1),
        FieldMap = new FieldMap
        {
            ObjectId = "objectID",
            AccessionNumber = "accessionNumber",
            Title = "title | objectName",
            CreationDate = "year(objectBeginDate)",
            CreationEndDate = "year(objectEndDate)",
            RightsStatement = $"isPublicDomain ? '{Cc0}' : '{InCopyright}'",
            EmbargoDate = string.Empty,
            AccessTier = string.Empty,
            IiifManifestUrl = string.Empty,
            MediaUrl = "primaryImage | primaryImageSmall",
        },
    };

    /// <summary>
    /// The Art Institute of Chicago API: <c>GET /api/v1/artworks?page=N&amp;limit=100</c> (100 at most), a <c>pagination</c>
    /// block with <c>total_pages</c>, records in <c>data</c>. 60 requests per minute for anonymous clients. Images and
    /// manifests come from its IIIF server by <c>image_id</c> and <c>id</c>. Its data dump (one JSON file per artwork) reads
    /// with the same map through <c>-Path</c>.
    /// </summary>
    public static SourceProfile ArtInstituteOfChicago { get; } = new()
    {
        Name = "ArtInstituteOfChicago",
        Description = "Art Institute of Chicago API (https://api.artic.edu/docs/): page numbers, 100 per page, 60 requests per minute",
        Uri = new Uri("https://api.artic.edu/api/v1/artworks"),
        Paging = PagingStyle.PageNumber,
        PageSize = 100,
        MaxPageSize = 100,
        ItemsPath = "data",
        TotalPagesPath = "pagination.total_pages",
        TotalPath = "pagination.total",
        RequestLimit = 60,
        RequestWindow = TimeSpan.FromMinutes(1),
        ThrottleLimit = 2,
        FieldMap = new FieldMap
        {
            ObjectId = "id",
            AccessionNumber = "main_reference_number",
            Title = "title",
            CreationDate = "year(date_start)",
            CreationEndDate = "year(date_end)",
            RightsStatement = $"is_public_domain ? '{Cc0}' : '{InCopyright}'",
            EmbargoDate = string.Empty,
            AccessTier = string.Empty,
            IiifManifestUrl = "https://api.artic.edu/api/v1/artworks/{id}/manifest.json",
            MediaUrl = "https://www.artic.edu/iiif/2/{image_id}/full/843,/0/default.jpg",
        },
    };

    /// <summary>
    /// The Art Institute of Chicago's search (<c>GET /api/v1/artworks/search?page=N&amp;limit=100</c>, filters as
    /// <c>query[…]</c> parameters): it refuses to page past 1,000 results with 403 "Invalid number of results"
    /// (art-institute-of-chicago/api-data#5), so the query is split into artwork id ranges
    /// (<c>query[range][id][gte]</c>/<c>[lte]</c>) until each part holds at most 1,000.
    /// </summary>
    public static SourceProfile ArtInstituteOfChicagoSearch { get; } = new()
    {
        Name = "ArtInstituteOfChicagoSearch",
        Description = "Art Institute of Chicago search API (https://api.artic.edu/docs/#search): page numbers, 100 per page, 1,000 results per query (split by id ranges), 60 requests per minute",
        Uri = new Uri("https://api.artic.edu/api/v1/artworks/search"),
        Paging = PagingStyle.PageNumber,
        PageSize = 100,
        MaxPageSize = 100,
        ItemsPath = "data",
        TotalPagesPath = "pagination.total_pages",
        TotalPath = "pagination.total",
        ResultWindow = 1000,
        RangeFromParameter = "query[range][id][gte]",
        RangeToParameter = "query[range][id][lte]",
        RangeEnd = 9_999_999,
        RequestLimit = 60,
        RequestWindow = TimeSpan.FromMinutes(1),
        ThrottleLimit = 2,
        FieldMap = ArtInstituteOfChicago.FieldMap,
    };

    /// <summary>
    /// Harvard Art Museums API: <c>GET /object?apikey=…&amp;size=100&amp;page=N</c>, <c>info.pages</c> and <c>info.next</c>,
    /// records in <c>records</c>. The key is a query parameter (<c>apikey</c>); 2,500 requests a day.
    /// </summary>
    public static SourceProfile HarvardArtMuseums { get; } = new()
    {
        Name = "HarvardArtMuseums",
        Description = "Harvard Art Museums API (https://github.com/harvardartmuseums/api-docs): page numbers, apikey query parameter, 2,500 requests a day",
        Uri = new Uri("https://api.harvardartmuseums.org/object"),
        Paging = PagingStyle.PageNumber,
        PageSize = 100,
        MaxPageSize = 100,
        LimitParameter = "size",
        ItemsPath = "records",
        TotalPagesPath = "info.pages",
        TotalPath = "info.totalrecords",
        // "2,500 requests per day" (https://github.com/harvardartmuseums/api-docs#access-to-the-api): a budget per UTC
        // day counted in the store across runs, instead of a one-day window each run starts afresh.
        DailyRequestBudget = 2500,
        ThrottleLimit = 2,
        ApiKeyLocation = ApiKeyLocation.Query,
        ApiKeyName = "apikey",
        FieldMap = new FieldMap
        {
            ObjectId = "objectid | id",
            AccessionNumber = "objectnumber",
            Title = "title",
            CreationDate = "year(datebegin)",
            CreationEndDate = "year(dateend)",
            RightsStatement = string.Empty,
            EmbargoDate = string.Empty,
            AccessTier = string.Empty,
            IiifManifestUrl = "https://iiif.harvardartmuseums.org/manifests/object/{objectid}",
            MediaUrl = "primaryimageurl",
        },
    };

    /// <summary>
    /// Smithsonian Open Access (EDAN, through api.data.gov): <c>GET /openaccess/api/v1.0/search?q=…&amp;start=N&amp;rows=100</c>,
    /// records in <c>response.rows</c>, the total in <c>response.rowCount</c>. The key is the <c>api_key</c> query parameter;
    /// api.data.gov allows 1,000 requests an hour and reports them in <c>X-RateLimit-*</c> headers.
    /// </summary>
    public static SourceProfile SmithsonianOpenAccess { get; } = new()
    {
        Name = "SmithsonianOpenAccess",
        Description = "Smithsonian Open Access API (https://edan.si.edu/openaccess/apidocs/): offsets (start/rows), api_key query parameter, 1,000 requests an hour",
        Uri = new Uri("https://api.si.edu/openaccess/api/v1.0/search?q=online_media_type%3AImages"),
        Paging = PagingStyle.Offset,
        PageSize = 100,
        MaxPageSize = 1000,
        OffsetParameter = "start",
        LimitParameter = "rows",
        ItemsPath = "response.rows",
        TotalPath = "response.rowCount",
        RequestLimit = 1000,
        RequestWindow = TimeSpan.FromHours(1),
        // api.data.gov's limits roll over an hour and its X-RateLimit-* headers name no reset
        // (https://api.data.gov/docs/developer-manual/#web-service-rate-limits).
        RollingQuotaWindow = TimeSpan.FromHours(1),
        ThrottleLimit = 2,
        ApiKeyLocation = ApiKeyLocation.Query,
        ApiKeyName = "api_key",
        FieldMap = new FieldMap
        {
            ObjectId = "id",
            AccessionNumber = "content.freetext.identifier[0].content",
            Title = "title",
            CreationDate = string.Empty, // EDAN dates are free text and decades ("1870s"); the raw record keeps them
            RightsStatement = "content.descriptiveNonRepeating.metadata_usage.access",
            EmbargoDate = string.Empty,
            AccessTier = string.Empty,
            IiifManifestUrl = string.Empty,
            MediaUrl = "content.descriptiveNonRepeating.online_media.media[0].content",
        },
    };

    /// <summary>
    /// Cooper Hewitt, Smithsonian Design Museum: the REST API (<c>?method=cooperhewitt.search.objects&amp;page=N&amp;per_page=100</c>,
    /// records in <c>objects</c>, <c>pages</c>) and its collection dump (one JSON file per object, two schema generations:
    /// <c>accession_number</c>/<c>year_start</c>/<c>images</c> and the older <c>invno</c>/<c>date_begin</c>/<c>thumbnail</c>).
    /// Its records carry no rights field: the collection metadata is CC0 as a whole ("Cooper Hewitt has licensed this
    /// release under a Creative Commons Zero (CC0) license", the collection repository's README), so that is their rights.
    /// </summary>
    public static SourceProfile CooperHewitt { get; } = new()
    {
        Name = "CooperHewitt",
        Description = "Cooper Hewitt collection API and data dump (https://collection.cooperhewitt.org/api/): page numbers, access_token query parameter",
        Uri = new Uri("https://api.collection.cooperhewitt.org/rest/?method=cooperhewitt.search.objects&query=*"),
        Paging = PagingStyle.PageNumber,
        PageSize = 100,
        MaxPageSize = 500,
        LimitParameter = "per_page",
        ItemsPath = "objects",
        TotalPagesPath = "pages",
        TotalPath = "total",
        RequestsPerSecond = 5,
        ThrottleLimit = 2,
        ApiKeyLocation = ApiKeyLocation.Query,
        ApiKeyName = "access_token",
        CollectionRights = Cc0,
        CollectionRightsSource = new Uri("https://github.com/cooperhewitt/collection#license"),
        FieldMap = new FieldMap
        {
            ObjectId = "id",
            AccessionNumber = "accession_number | invno",
            Title = "title | name",
            CreationDate = "year(year_start) | year(date_begin)",
            CreationEndDate = "year(year_end) | year(date_end)",
            RightsStatement = string.Empty,
            EmbargoDate = string.Empty,
            AccessTier = string.Empty,
            IiifManifestUrl = string.Empty,
            MediaUrl = "images[0].b.url | images[0].z.url | thumbnail",
        },
    };

    /// <summary>A generic OAI-PMH repository serving LIDO (<c>metadataPrefix=lido</c>): the OAI identifier is the object id, deletions come out as deletions, <c>from</c> filters by date.</summary>
    public static SourceProfile OaiPmhLido { get; } = new()
    {
        Name = "OaiPmhLido",
        Description = "An OAI-PMH repository (https://www.openarchives.org/pmh/) with LIDO records: ListRecords, resumptionToken, from",
        Paging = PagingStyle.OaiPmh,
        Format = RecordFormat.Xml,
        MetadataPrefix = "lido",
        LimitParameter = string.Empty,
        ThrottleLimit = 1,
        Overlap = TimeSpan.FromDays(1),
    };

    /// <summary>A generic OAI-PMH repository serving Dublin Core (<c>metadataPrefix=oai_dc</c>, which every repository has).</summary>
    public static SourceProfile OaiPmhDublinCore { get; } = new()
    {
        Name = "OaiPmhDublinCore",
        Description = "An OAI-PMH repository with Dublin Core records (oai_dc): ListRecords, resumptionToken, from",
        Paging = PagingStyle.OaiPmh,
        Format = RecordFormat.Xml,
        MetadataPrefix = "oai_dc",
        LimitParameter = string.Empty,
        ThrottleLimit = 1,
        Overlap = TimeSpan.FromDays(1),
    };

    /// <summary>
    /// Any IIIF Change Discovery API 1.0 stream of Manifests (https://iiif.io/api/discovery/1.0/): the OrderedCollection
    /// read backwards from <c>last</c> to the watermark, the newest activity per Manifest applied, each Manifest fetched and
    /// read (label, rights, metadata). Give the stream with <c>-Uri</c>, and the manifests' host with <c>-AllowedOrigin</c>
    /// when it differs from the stream's (no credentials go there).
    /// </summary>
    public static SourceProfile IiifChangeDiscovery { get; } = new()
    {
        Name = "IiifChangeDiscovery",
        Description = "A IIIF Change Discovery 1.0 stream of Manifests (https://iiif.io/api/discovery/1.0/): last, then prev pages back to the watermark; Create, Update, Delete, Move, Refresh",
        Paging = PagingStyle.ChangeDiscovery,
        PageSize = 100,
        LimitParameter = string.Empty,
        ThrottleLimit = 4,
        Overlap = TimeSpan.Zero,
    };

    /// <summary>
    /// The J. Paul Getty Museum's collection: its activity stream (ActivityStreams, paged like IIIF Change Discovery,
    /// "Tracking Changes" in https://data.getty.edu/museum/collection/docs/) lists every record created, edited or deleted in
    /// date order; its objects are Linked Art <c>HumanMadeObject</c> records on the same host, whose <c>_label</c> is the
    /// title. The collection data is CC0, with exceptions for images and written descriptions that the records mark
    /// themselves (the same docs, "Exception 1: Images", "Exception 2: Written Descriptions").
    /// </summary>
    public static SourceProfile Getty { get; } = new()
    {
        Name = "Getty",
        Description = "The J. Paul Getty Museum collection activity stream (https://data.getty.edu/museum/collection/docs/): Linked Art objects through ActivityStreams change pages, newest first, back to the watermark",
        Uri = new Uri("https://data.getty.edu/museum/collection/activity-stream"),
        Paging = PagingStyle.ChangeDiscovery,
        PageSize = 100,
        LimitParameter = string.Empty,
        ThrottleLimit = 4,
        Overlap = TimeSpan.Zero,
        DiscoveryObjectTypes = ["HumanMadeObject"],
        CollectionRights = Cc0,
        CollectionRightsSource = new Uri("https://data.getty.edu/museum/collection/docs/"),
        FieldMap = new FieldMap
        {
            ObjectId = "id",
            AccessionNumber = string.Empty,
            Title = "_label",
            CreationDate = string.Empty, // Linked Art dates are spans (produced_by.timespan); the raw record keeps them
            RightsStatement = string.Empty,
            EmbargoDate = string.Empty,
            AccessTier = string.Empty,
            IiifManifestUrl = string.Empty,
            MediaUrl = string.Empty,
        },
    };

    /// <summary>The generic REST shape: any paging found in the answer, NDJSON or JSON, the generic field names (<c>ObjectID</c>, <c>title</c>, …).</summary>
    public static SourceProfile Generic { get; } = new()
    {
        Name = "Generic",
        Description = "The generic REST shape: cursor, Link or body paging found automatically; NDJSON or JSON; ObjectID, title, creation_date_iso, …",
    };

    /// <summary>Every built-in profile.</summary>
    public static IReadOnlyList<SourceProfile> All { get; } = [Met, ArtInstituteOfChicago, ArtInstituteOfChicagoSearch, HarvardArtMuseums, SmithsonianOpenAccess, CooperHewitt, OaiPmhLido, OaiPmhDublinCore, IiifChangeDiscovery, Getty, Generic];

    /// <summary>The profile of this name (any case); throws with the list of names when there is none.</summary>
    public static SourceProfile Get(string name)
    {
        foreach (var p in All)
        {
            if (string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase)) return p;
        }
        throw new ArgumentException($"There is no profile '{name}'; use one of {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));
    }
}
