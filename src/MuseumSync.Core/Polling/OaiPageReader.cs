using System.Xml;
using System.Xml.Linq;
using MuseumSync.Json;
using MuseumSync.Mapping;
using MuseumSync.Oai;
using MuseumSync.Paging;
using MuseumSync.Validation;

namespace MuseumSync.Polling;

/// <summary>
/// An OAI-PMH <c>ListRecords</c> page (or a plain LIDO document: <c>lido:lidoWrap</c> or one <c>lido:lido</c>), read
/// from its spool. The record id is the OAI header identifier, so a deletion (<c>status="deleted"</c>, which carries
/// only the header) names the same record as its earlier versions.
/// </summary>
internal sealed class OaiPageReader : PageReader
{
    private readonly PollRun _run;
    private readonly PageSpool _spool;
    private readonly IEnumerator<OaiRecord> _records;
    private readonly string _format;
    private readonly string _url;

    private OaiPageReader(PollRun run, PageSpool spool, IEnumerator<OaiRecord> records, string format, string maskedUrl)
    {
        _url = maskedUrl;
        _run = run;
        _spool = spool;
        _records = records;
        _format = format;
    }

    public override string Format => _format;

    public static PageReader Open(PollRun run, PageSpool spool, Uri url, PageFacts facts)
    {
        try
        {
            (string? ErrorCode, string? ErrorText, string? ResumptionToken, long? CompleteListSize, int Records, bool IsOaiPmh) scan;
            using (var first = spool.OpenRead())
            {
                scan = OaiPmhPage.Scan(first);
            }
            if (!scan.IsOaiPmh)
            {
                var lido = LidoRecords(spool.OpenRead(), Limit(run, spool, IsLido)).GetEnumerator();
                return new OaiPageReader(run, spool, lido, "LIDO XML", run.Pipeline.Mask(url)) { Facts = facts };
            }
            if (scan.ErrorCode is { } code && code != "noRecordsMatch")
            {
                if (code == "badResumptionToken" && run.Oai is { } oai) oai.TokenExpired = true;
                var hint = code == "badResumptionToken"
                    ? "The stored resumptionToken has expired (repositories keep them for hours, not days); run again with -NoResume to start the list over."
                    : "Check -Uri, -MetadataPrefix (the repository's ListMetadataFormats names them) and -Since.";
                throw new MuseumPollException(
                    $"The OAI-PMH repository {run.Pipeline.Mask(url)} answered error '{code}': {scan.ErrorText?.Trim()}. {hint}",
                    "MuseumPollOaiError", isTransient: false, url, 200, null);
            }
            facts.BodyNext = scan.ResumptionToken;
            facts.Total = scan.CompleteListSize;
            facts.Count = scan.Records;
            var records = scan.ErrorCode is null ? OaiPmhPage.Records(spool.OpenRead(), Limit(run, spool, OaiPmhPage.IsRecord)).GetEnumerator() : Enumerable.Empty<OaiRecord>().GetEnumerator();
            return new OaiPageReader(run, spool, records, $"OAI-PMH ({scan.Records} records{(scan.ErrorCode is null ? string.Empty : ", noRecordsMatch")})", run.Pipeline.Mask(url)) { Facts = facts, CountKnown = true };
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>The records that may exceed the record limit; none (and no extra pass) when the whole page is within it.</summary>
    private static XmlRecordLimit? Limit(PollRun run, PageSpool spool, Func<XmlReader, bool> isRecord)
    {
        var limits = run.Request.Limits;
        if (spool.Length <= limits.MaxRecordBytes) return null;
        using var stream = spool.OpenRead();
        var suspects = XmlRecordBounds.Suspects(stream, isRecord, limits.MaxRecordBytes);
        return suspects.Count == 0 ? null : new XmlRecordLimit(suspects, limits.MaxRecordBytes, limits.PrefixBytes);
    }

    private static bool IsLido(XmlReader reader) => reader.LocalName == "lido" && reader.NamespaceURI == XmlRecordFields.Lido.NamespaceName;

    /// <summary>
    /// The next record the repository's declarations let the mirror apply: a deletion header of a repository that
    /// declares it keeps no deletions is passed over (and said once), as is a record that left the harvested set there.
    /// </summary>
    public override ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (_records.MoveNext())
        {
            var r = _records.Current;
            if (_run.Oai is not { } oai) return ValueTask.FromResult(true);
            if (r.OversizeBytes is null)
            {
                oai.CheckDatestamp(r.Identifier, r.Datestamp, Facts.Total, _url);
                oai.CheckUntil(r.Identifier, r.Datestamp, _url);
            }
            if ((r.IsDeleted || r.LeftSet(_run.Request.OaiSet)) && !oai.AppliesDeletion(r.Identifier)) continue;
            return ValueTask.FromResult(true);
        }
        return ValueTask.FromResult(false);
    }

    public override MuseumRecord Create(in RecordOrigin origin, string? resumePosition)
    {
        var r = _records.Current;
        if (r.OversizeBytes is null && !r.IsDeleted && r.LeftSet(_run.Request.OaiSet))
        {
            // The header no longer names the harvested set: for this mirror of the set the record is gone.
            _run.Oai?.Warn(8, $"OAI-PMH: {r.Identifier} has left the set '{_run.Request.OaiSet}' (its header names {string.Join(", ", r.SetSpecs!)}); it is deleted from the mirror of the set, as are others that leave it.");
            return RecordFactory.Deletion(r.Identifier, r.RawXml, origin, resumePosition);
        }
        return Create(_run, r, origin, resumePosition);
    }

    public override MuseumRecord Recreate(RecordFactory factory, MuseumRecord held, string? resumePosition)
    {
        if (OversizeRecord.Is(held)) return OversizeRecord.WithResume(held, resumePosition);
        if (held.IsDeleted) return RecordFactory.Deletion(held.ObjectId ?? string.Empty, held.RawJson, OriginOf(held), resumePosition);
        var element = XElement.Parse(held.RawJson);
        var record = element.Name.LocalName == "header"
            ? new OaiRecord(held.ObjectId ?? string.Empty, null, true, null, held.RawJson)
            : ToRecord(element);
        return Create(_run, record, OriginOf(held), resumePosition);
    }

    private static MuseumRecord Create(PollRun run, OaiRecord r, in RecordOrigin origin, string? resume)
    {
        if (r.OversizeBytes is { } size) return OversizeRecord.Create(run.Request.Limits.MaxRecordBytes, r.Identifier.Length > 0 ? r.Identifier : null, r.RawXml, size, origin, resume);
        if (r.IsDeleted) return RecordFactory.Deletion(r.Identifier, r.RawXml, origin, resume);
        if (r.Metadata is null)
        {
            return RecordFactory.Problem(r.Identifier.Length > 0 ? r.Identifier : null, r.RawXml,
                new ValidationIssue("metadata", RecordValidator.RuleRequired, "The OAI-PMH record has no metadata element and is not marked deleted."), origin, resume);
        }
        var fields = XmlRecordFields.Read(r.Metadata, r.Identifier.Length > 0 ? r.Identifier : null, out var names);
        return RecordFactory.FromFields(fields, names, r.RawXml, origin, resume, endOfPage: false);
    }

    private static OaiRecord ToRecord(XElement element)
    {
        if (element.Name.LocalName == "record")
        {
            XNamespace oai = OaiPmhPage.Namespace;
            var header = element.Element(oai + "header");
            return new OaiRecord(header?.Element(oai + "identifier")?.Value.Trim() ?? string.Empty, null, false, element.Element(oai + "metadata")?.Elements().FirstOrDefault(), element.ToString(SaveOptions.DisableFormatting));
        }
        return new OaiRecord(string.Empty, null, false, element, element.ToString(SaveOptions.DisableFormatting));
    }

    /// <summary>Each <c>lido:lido</c> of a LIDO document, as a record without an OAI header (its id is its <c>lidoRecID</c>).</summary>
    internal static IEnumerable<OaiRecord> LidoRecords(Stream stream, XmlRecordLimit? limit = null)
    {
        using var reader = XmlReader.Create(stream, OaiPmhPage.Settings);
        reader.MoveToContent();
        var ordinal = 0;
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && IsLido(reader))
            {
                if (limit?.ReadIfSuspect(reader, ordinal++, ToRecord) is { } bounded)
                {
                    yield return bounded;
                    continue;
                }
                var lido = (XElement)XNode.ReadFrom(reader);
                yield return new OaiRecord(string.Empty, null, false, lido, lido.ToString(SaveOptions.DisableFormatting));
                continue;
            }
            reader.Read();
        }
    }

    public override void Dispose()
    {
        _records.Dispose();
        _spool.Dispose();
    }
}
