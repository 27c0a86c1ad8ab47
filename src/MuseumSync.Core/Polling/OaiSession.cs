using System.Globalization;
using System.Xml;
using MuseumSync.Http;
using MuseumSync.Oai;
using MuseumSync.Paging;

namespace MuseumSync.Polling;

/// <summary>
/// What one OAI-PMH run learns and decides beyond a page: the repository's <c>Identify</c> declarations, list restarts
/// after an expired <c>resumptionToken</c>, and the warnings it gives once.
/// </summary>
internal sealed class OaiSession
{
    private readonly PollRun _run;
    private int _warned;

    public OaiSession(PollRun run) => _run = run;

    /// <summary>What <c>Identify</c> declared; null before it was asked or when the repository did not answer it.</summary>
    public OaiRepository? Repository { get; private set; }

    /// <summary>True when the page just read answered <c>badResumptionToken</c>.</summary>
    public bool TokenExpired { get; set; }

    /// <summary>How often this run started the list over after an expired token.</summary>
    public int Restarts { get; set; }

    /// <summary>How <c>from=</c> is written: the repository's granularity when it declared one, else the request's format.</summary>
    public string From(DateTimeOffset since) => Repository?.Format(since) ?? since.UtcDateTime.ToString(_run.Request.EffectiveSinceFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// How <c>until=</c> is written for the upper bound <paramref name="until"/> (exclusive in intent; OAI-PMH's
    /// <c>until</c> is inclusive): at seconds granularity the last whole second before it, at day granularity the last day
    /// that begins before it. Adjacent date windows then do not overlap at seconds granularity, nor at day granularity
    /// when their boundary is a UTC midnight (as the planner makes them); a boundary inside a day (a window starting at a
    /// watermark) makes two windows share that day: its records are read by both and upserted twice, the second time
    /// unchanged.
    /// </summary>
    /// <param name="repository">What Identify declared; null when it declared nothing (then <paramref name="fallbackFormat"/> decides).</param>
    /// <param name="until">The upper bound.</param>
    /// <param name="fallbackFormat">The request's date format, used without an Identify answer.</param>
    public static string UntilValue(OaiRepository? repository, DateTimeOffset until, string fallbackFormat)
    {
        var seconds = repository?.SecondsGranularity ?? fallbackFormat.Contains("HH", StringComparison.Ordinal);
        var t = until.UtcDateTime;
        if (!seconds) return t.AddTicks(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var whole = new DateTime(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        return (whole == t ? whole.AddSeconds(-1) : whole).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Asks the repository's <c>Identify</c> once. A repository that does not answer it as OAI-PMH (a static LIDO file,
    /// a refusal) is harvested as before, with day granularity and every deletion header applied; a transient failure
    /// ends the run like any page's would.
    /// </summary>
    public async Task IdentifyAsync(CancellationToken cancellationToken)
    {
        var url = QueryString.With(_run.Request.Uri, ("verb", "Identify"), ("metadataPrefix", null), ("from", null), ("until", null), ("set", null), ("resumptionToken", null));
        var correlationId = CorrelationIds.New();
        var masked = _run.Pipeline.Mask(url);
        try
        {
            using var response = await _run.Pipeline.SendAsync(url, "text/xml, application/xml;q=0.9", correlationId, null, cancellationToken).ConfigureAwait(false);
            var raw = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var body = PageBody.Bound(_run, raw, url, cancellationToken);
            await using (body.ConfigureAwait(false))
            {
                Repository = OaiRepository.Read(body);
            }
        }
        catch (MuseumPollException ex) when (!ex.IsTransient)
        {
            _run.Verbose?.Invoke($"OAI-PMH: {masked} did not answer Identify ({ex.ErrorId}); harvesting with day granularity and applying every deletion header; correlation {correlationId}");
            return;
        }
        catch (XmlException ex)
        {
            _run.Verbose?.Invoke($"OAI-PMH: the Identify answer of {masked} is not XML ({ex.Message}); harvesting with day granularity and applying every deletion header; correlation {correlationId}");
            return;
        }
        if (Repository is not { } r)
        {
            _run.Verbose?.Invoke($"OAI-PMH: {masked} did not answer Identify as an OAI-PMH repository; harvesting with day granularity and applying every deletion header; correlation {correlationId}");
            return;
        }
        _run.Verbose?.Invoke($"OAI-PMH Identify of {masked}: granularity {(r.SecondsGranularity ? OaiRepository.SecondsGranularityValue : OaiRepository.DayGranularity)}, deletedRecord {r.DeletedRecord.ToString().ToLowerInvariant()}; correlation {correlationId}");
        if (r.DeletedRecord == OaiDeletedRecord.Transient)
        {
            Warn(1, $"{PollWarnings.OaiPrefix} {masked} keeps deletions only for a while (deletedRecord transient): an incremental harvest may miss some. Run a full harvest now and then (Reset-SyncCheckpoint -Source {_run.Request.Source}) so records deleted at the source leave the mirror.");
        }
    }

    /// <summary>True when the header is a deletion the repository's declared policy lets the mirror apply.</summary>
    public bool AppliesDeletion(string identifier)
    {
        if (Repository?.DeletedRecord != OaiDeletedRecord.No) return true;
        Warn(2, $"{PollWarnings.OaiPrefix} {_run.Pipeline.Mask(_run.Request.Uri)} declares deletedRecord 'no' yet reports a deletion ({identifier}, and maybe more: a deleted header, or a record that left the harvested set); it is not applied, since the repository says it keeps no deletions. Ask its maintainers which is right.");
        return false;
    }

    /// <summary>
    /// Checks a record's datestamp against <c>from=</c>: a record older than it means the repository ignores
    /// <c>from=</c>, and every incremental run reads the whole repository. Said once.
    /// </summary>
    public void CheckDatestamp(string identifier, string? datestamp, long? completeListSize, string maskedUrl)
    {
        if (_run.Request.Since is not { } since || !OaiRepository.TryParseDatestamp(datestamp, out var stamp)) return;
        var from = Repository?.SecondsGranularity == true ? since.UtcDateTime : since.UtcDateTime.Date;
        if (stamp.UtcDateTime >= from) return;
        var size = completeListSize is { } n ? string.Create(CultureInfo.InvariantCulture, $" (completeListSize {n})") : string.Empty;
        Warn(4, $"{PollWarnings.OaiPrefix} the incremental harvest from={From(since)} of {maskedUrl} returned {identifier} with datestamp {datestamp}, before from=: the repository seems to ignore from=, so each run reads the whole repository{size}. Nothing is lost (the records are upserted), but report it to the repository's maintainers.");
    }

    /// <summary>
    /// Checks a record's datestamp against <c>until=</c>: a later one means the repository ignores <c>until=</c>. The
    /// record is upserted like any other (nothing is lost, and the watermark a scale-out submission planned does not
    /// depend on it); the warning is said once.
    /// </summary>
    public void CheckUntil(string identifier, string? datestamp, string maskedUrl)
    {
        if (_run.Request.Until is not { } until || !OaiRepository.TryParseDatestamp(datestamp, out var stamp)) return;
        var written = UntilValue(Repository, until, _run.Request.EffectiveSinceFormat);
        if (!OaiRepository.TryParseDatestamp(written, out var bound)) return;
        var seconds = written.Length > 10;
        if ((seconds ? stamp.UtcDateTime : stamp.UtcDateTime.Date) <= bound.UtcDateTime) return;
        _run.Stats.UntilIgnored = true;
        Warn(16, $"{PollWarnings.OaiPrefix} the harvest until={written} of {maskedUrl} returned {identifier} with datestamp {datestamp}, after until=: the repository ignored until=. The record is upserted (nothing is lost, and no checkpoint or watermark moves because of it; the date window that owns it reads it again), but report it to the repository's maintainers.");
    }

    /// <summary>Says a warning once per run (<paramref name="bit"/> names it).</summary>
    public void Warn(int bit, string message)
    {
        if ((Interlocked.Or(ref _warned, bit) & bit) != 0) return;
        _run.Warning?.Invoke(message);
    }
}
