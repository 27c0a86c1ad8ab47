using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MuseumSync.Http;
using MuseumSync.Iiif;
using MuseumSync.Mapping;
using MuseumSync.Resilience;
using MuseumSync.Validation;

namespace MuseumSync.Polling;

/// <summary>
/// IIIF Change Discovery API 1.0 (https://iiif.io/api/discovery/1.0/, §3.5 "Activity Streams Processing Algorithm"): the
/// <c>OrderedCollection</c> at <see cref="PollRequest.Uri"/> is read backwards from its <c>last</c> page through <c>prev</c>
/// links, each page's activities newest first, until one is older than the watermark (<see cref="PollRequest.Since"/>, the
/// newest <c>endTime</c> a previous run harvested). Only the newest activity per object applies: Create, Update and Add
/// (to this stream) fetch the object's manifest and store it; Delete and Remove (from this stream) delete it; Move
/// deletes the old id and stores the new one; a Refresh ends a first harvest and, on a later one, lets only deletions
/// through from there on. Objects of other types than <see cref="PollRequest.DiscoveryObjectTypes"/> are skipped.
/// <para>
/// The changes are then applied oldest first, <see cref="PollRequest.PageSize"/> at a time, each batch committed with
/// where it ended (<c>cd:time id</c>); the watermark moves only with the last batch. A run stopped half-way reads the
/// stream again down to the same watermark and goes on after the last committed change, so nothing is lost and nothing
/// is applied twice. A manifest on the stream's own origin is fetched with the source's credentials; one on another
/// origin only when that origin is allowed (<see cref="PollRequest.AllowedOrigins"/>), and then without them.
/// </para>
/// </summary>
internal static class ChangeDiscovery
{
    /// <summary>The stable error id of a stream that cannot be read as one (not an OrderedCollection, a loop, a limit).</summary>
    public const string ErrorId = "MuseumPollChangeDiscovery";

    private const string Accept = "application/ld+json, application/json;q=0.9";
    private const string PositionPrefix = "cd:";

    private static readonly JsonDocumentOptions s_parse = new() { MaxDepth = 64 };

    /// <summary>One change to apply: the object and whether it is deleted, at the time of the activity that decided it.</summary>
    private readonly record struct Change(DateTimeOffset? Time, string ObjectId, bool Delete, string Activity, string? ObjectType = null);

    public static async IAsyncEnumerable<MuseumRecord> ReadAsync(PollRun run, SourcePipeline anonymous)
    {
        var request = run.Request;
        var after = ParsePosition(run.StartPosition, request.Source);
        var (changes, newest) = await WalkAsync(run).ConfigureAwait(false);
        changes.Sort(static (a, b) =>
        {
            var byTime = Nullable.Compare(a.Time, b.Time);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.ObjectId, b.ObjectId);
        });
        if (after is { } done)
        {
            var skip = changes.FindIndex(c => Compare(c, done) > 0);
            run.Verbose?.Invoke(string.Create(CultureInfo.InvariantCulture, $"IIIF Change Discovery: resuming after the committed change '{run.StartPosition}'; {(skip < 0 ? changes.Count : skip)} of {changes.Count} changes were applied before"));
            changes.RemoveRange(0, skip < 0 ? changes.Count : skip);
        }
        var watermark = newest is { } n ? n.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : run.Watermark;
        using var gate = new SemaphoreSlim(request.ThrottleLimit, request.ThrottleLimit);
        long pageNumber = 0;
        var position = run.StartPosition;
        for (var start = 0; start < changes.Count; start += request.PageSize)
        {
            if (request.MaxPages is { } max && pageNumber >= max) yield break;
            pageNumber++;
            var batch = changes.GetRange(start, Math.Min(request.PageSize, changes.Count - start));
            var last = start + batch.Count >= changes.Count;
            var resume = last ? run.ResumeAfter(position, null) : FormatPosition(batch[^1]);
            var origin = new RecordOrigin(request.Source, position, pageNumber, 0, null, null, default, watermark);
            await foreach (var record in FanOut.InOrderAsync(run, batch, (change, line, token) => ApplyAsync(run, anonymous, change, origin with { LineNumber = line }, resume, gate, token), last).ConfigureAwait(false))
            {
                yield return record;
            }
            position = resume;
        }
    }

    /// <summary>Reads the stream backwards down to the watermark: the newest change per object, and the newest activity time seen.</summary>
    private static async Task<(List<Change> Changes, DateTimeOffset? Newest)> WalkAsync(PollRun run)
    {
        var request = run.Request;
        var since = request.Since;
        var collectionUrl = request.Uri;
        string? streamId;
        Uri? pageUrl;
        using (var collection = await GetJsonAsync(run, collectionUrl, run.Token).ConfigureAwait(false))
        {
            var root = collection.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type != "OrderedCollection")
            {
                throw Error(run, collectionUrl, $"The IIIF Change Discovery stream {run.Pipeline.Mask(collectionUrl)} is not an ActivityStreams OrderedCollection (its type is {(type is null ? "missing" : $"'{type}'")}). Point -Uri at the stream's collection (for example https://example.org/activity/all-changes), not at one of its pages or a manifest.");
            }
            streamId = DiscoveryActivity.Reference(root, "id").Id;
            var last = DiscoveryActivity.Reference(root, "last").Id;
            if (last is null)
            {
                throw Error(run, collectionUrl, $"The IIIF Change Discovery stream {run.Pipeline.Mask(collectionUrl)} names no last page (the collection's 'last', which the API requires); it cannot be read from its newest activities. Report it to the stream's maintainers.");
            }
            pageUrl = Link(run, collectionUrl, last, "last");
        }

        var stream = streamId ?? collectionUrl.AbsoluteUri; // what an Add's target and a Remove's origin name
        var changes = new List<Change>();
        var processed = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? newest = null;
        var onlyDeletes = false;
        var pages = 0;
        var skipped = 0;
        Uri? from = collectionUrl;
        while (pageUrl is not null)
        {
            if (!visited.Add(pageUrl.AbsoluteUri))
            {
                throw Error(run, pageUrl, string.Create(CultureInfo.InvariantCulture,
                    $"The IIIF Change Discovery stream of source '{request.Source}' goes in a circle: the page {run.Pipeline.Mask(from)} names {run.Pipeline.Mask(pageUrl)} as its prev page, which this run has already read ({pages} pages read). The run stops instead of reading pages again; nothing was applied. Report the broken prev links to the stream's maintainers."));
            }
            if (++pages > request.MaxActivityPages)
            {
                throw Error(run, pageUrl, string.Create(CultureInfo.InvariantCulture,
                    $"The IIIF Change Discovery stream of source '{request.Source}' has more than {request.MaxActivityPages:N0} pages after the watermark {(since is { } s ? s.ToString("u", CultureInfo.InvariantCulture) : "(none: a first harvest)")}; the run stops at {run.Pipeline.Mask(pageUrl)} before applying anything. Raise MaxActivityPages, or start from a later time with -Since."));
            }
            run.Stats.Page();
            using var page = await GetJsonAsync(run, pageUrl, run.Token).ConfigureAwait(false);
            var root = page.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("orderedItems", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                throw Error(run, pageUrl, $"The IIIF Change Discovery page {run.Pipeline.Mask(pageUrl)} (reached from {run.Pipeline.Mask(from)}) holds no orderedItems array; it is not an OrderedCollectionPage. Report it to the stream's maintainers.");
            }
            var count = items.GetArrayLength();
            if (count > request.MaxActivitiesPerPage)
            {
                throw Error(run, pageUrl, string.Create(CultureInfo.InvariantCulture,
                    $"The IIIF Change Discovery page {run.Pipeline.Mask(pageUrl)} lists {count:N0} activities, more than the {request.MaxActivitiesPerPage:N0} a page may hold here. Raise MaxActivitiesPerPage if the stream really pages so, or report it to its maintainers."));
            }
            var stop = false;
            for (var i = count - 1; i >= 0 && !stop; i--)
            {
                var a = DiscoveryActivity.Read(items[i]);
                if (a.Time is { } time)
                {
                    if (since is { } watermark && time < watermark)
                    {
                        stop = true;
                        break;
                    }
                    if (newest is null || time > newest) newest = time;
                }
                if (a.Type == "Refresh")
                {
                    // §2.1.5: everything before a Refresh is re-announced after it. A first harvest has all it needs;
                    // a later one still reads back for deletions.
                    if (since is null) stop = true;
                    else onlyDeletes = true;
                    continue;
                }
                if (a.ObjectId is null || processed.Contains(a.ObjectId)) continue;
                if (a.ObjectType is not null && !request.DiscoveryObjectTypes.Contains(a.ObjectType, StringComparer.Ordinal))
                {
                    skipped++;
                    continue;
                }
                switch (a.Type)
                {
                    case "Delete":
                    case "Remove" when a.OriginId is null || a.OriginId == stream:
                        changes.Add(new Change(a.Time, a.ObjectId, Delete: true, a.Json));
                        break;
                    case "Create" or "Update" or "Add" or "Move" when onlyDeletes:
                        continue; // after a Refresh, the newer activities already announced every object that still exists
                    case "Create":
                    case "Update":
                    case "Add" when a.TargetId is null || a.TargetId == stream:
                        changes.Add(new Change(a.Time, a.ObjectId, Delete: false, string.Empty, a.ObjectType));
                        break;
                    case "Move" when a.TargetId is not null:
                        changes.Add(new Change(a.Time, a.ObjectId, Delete: true, a.Json));
                        if (processed.Add(a.TargetId)) changes.Add(new Change(a.Time, a.TargetId, Delete: false, string.Empty, a.ObjectType));
                        break;
                    default:
                        skipped++;
                        continue;
                }
                processed.Add(a.ObjectId);
                if (processed.Count > request.MaxActivityObjects)
                {
                    throw Error(run, pageUrl, string.Create(CultureInfo.InvariantCulture,
                        $"The IIIF Change Discovery stream of source '{request.Source}' changes more than {request.MaxActivityObjects:N0} objects after the watermark; the run stops at {run.Pipeline.Mask(pageUrl)} before applying anything, to keep its memory bounded. Raise MaxActivityObjects, or harvest from a later time with -Since."));
                }
            }
            if (stop) break;
            from = pageUrl;
            pageUrl = DiscoveryActivity.Reference(root, "prev").Id is { } prev ? Link(run, pageUrl, prev, "prev") : null;
        }
        run.Verbose?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"IIIF Change Discovery: {pages} pages read back to {(since is { } w ? "the watermark " + w.ToString("u", CultureInfo.InvariantCulture) : "the start")}: {changes.Count} changes to apply ({changes.Count(c => c.Delete)} deletions), {skipped} activities skipped (not about a Manifest, or of a type that changes nothing here)"));
        return (changes, newest);
    }

    /// <summary>A change as a record: a deletion, or the object's manifest fetched and mapped.</summary>
    private static async Task<MuseumRecord> ApplyAsync(PollRun run, SourcePipeline anonymous, Change change, RecordOrigin origin, string? resume, SemaphoreSlim gate, CancellationToken token)
    {
        if (change.Delete) return RecordFactory.Deletion(change.ObjectId, change.Activity, origin with { FetchedAt = run.Time.GetUtcNow() }, resume);
        if (!Uri.TryCreate(change.ObjectId, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return RecordFactory.Problem(change.ObjectId, Raw(change.ObjectId, null), new ValidationIssue("object.id", RecordValidator.RuleUrl,
                $"The activity's object id '{change.ObjectId}' is not an absolute http(s) URL, so its manifest cannot be fetched; report it to the stream's maintainers."), origin, resume);
        }
        // Credentials belong to the stream's origin; a manifest elsewhere (an allowed image or manifest host) is fetched without them.
        var pipeline = OriginPolicy.OriginOf(url) == OriginPolicy.OriginOf(run.Request.Uri) ? run.Pipeline : anonymous;
        pipeline.Origins.Check(url, $"The manifest of activity object '{run.Pipeline.Mask(url)}'", run.Request.Source);
        await gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var correlationId = CorrelationIds.New();
            var masked = pipeline.Mask(url);
            origin = origin with { SourceUrl = masked, CorrelationId = correlationId };
            var jitter = new DecorrelatedJitter(run.Request.Resilience.BaseDelay, run.Request.Resilience.MaxDelay, run.Request.Resilience.Randomizer);
            var failures = 0;
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await pipeline.SendAsync(url, Accept, correlationId, static s => s is 401 or 403 or 404 or 410, token).ConfigureAwait(false);
                origin = origin with { FetchedAt = run.Time.GetUtcNow() };
                var status = (int)response.StatusCode;
                if (status == 410)
                {
                    run.Verbose?.Invoke($"GET {masked} -> 410: the manifest is gone; deleted; correlation {correlationId}");
                    return RecordFactory.Deletion(change.ObjectId, Raw(change.ObjectId, status), origin, resume);
                }
                if (status is 401 or 403 or 404)
                {
                    // §4.2: an inaccessible resource must not be taken for deleted; it waits as a dead letter.
                    run.Verbose?.Invoke($"GET {masked} -> {status}: the manifest could not be read; dead-lettered; correlation {correlationId}");
                    return RecordFactory.Problem(change.ObjectId, Raw(change.ObjectId, status), new ValidationIssue("(manifest)", "http-" + status.ToString(CultureInfo.InvariantCulture),
                        $"GET {masked} answered {status} {response.ReasonPhrase}: the stream announces this manifest but it cannot be read ({(status == 404 ? "not found" : "access restricted")}; correlation {correlationId}). It is not deleted; a later activity or a dead-letter replay brings it in."), origin, resume);
                }
                byte[]? buffer = null;
                try
                {
                    int length;
                    (buffer, length) = await FanOut.ReadAllAsync(response, run.Request.Resilience.AttemptTimeout, run.Request.Limits.MaxRecordBytes, token).ConfigureAwait(false);
                    // A Manifest (or an object the activity does not type) reads as a manifest; another type (Linked Art) through the field map.
                    var record = change.ObjectType is null or "Manifest"
                        ? ManifestRecord.Create(buffer.AsSpan(0, length).ToArray(), change.ObjectId, url.AbsoluteUri, run.Request.FieldMap.CollectionRights, origin, resume)
                        : run.Factory.Create(buffer.AsSpan(0, length), origin, resume, endOfPage: false);
                    run.Verbose?.Invoke(string.Create(CultureInfo.InvariantCulture, $"GET {masked} -> {status} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms; correlation {correlationId}"));
                    return record;
                }
                catch (InvalidDataException ex)
                {
                    return RecordFactory.Problem(change.ObjectId, Raw(change.ObjectId, status), new ValidationIssue("(manifest)", OversizeRecord.Rule,
                        $"The manifest {masked} is too large to store: {ex.Message} Raise -MaxRecordBytes (now {run.Request.Limits.MaxRecordBytes:N0} bytes) if it is meant to be this big (correlation {correlationId})."), origin, resume);
                }
                catch (Exception ex) when (MuseumPoller.IsBodyFailure(ex, token))
                {
                    failures++;
                    run.Stats.BodyBreak();
                    if (failures > run.Request.MaxBodyRetries)
                    {
                        throw new MuseumPollException(
                            $"The response body of {masked} broke off {failures} times (last: {ex.Message}); correlation {correlationId}. Run again to resume from the checkpoint.",
                            "MuseumPollBodyBroken", isTransient: true, UrlMasker.Strip(url, pipeline.SecretNames), status, correlationId, ex);
                    }
                    await Task.Delay(jitter.Next(), run.Time, token).ConfigureAwait(false);
                }
                finally
                {
                    if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>One collection or page, parsed whole (bounded by the page limits), read again when its body breaks off.</summary>
    private static async Task<JsonDocument> GetJsonAsync(PollRun run, Uri url, CancellationToken token)
    {
        var masked = run.Pipeline.Mask(url);
        var jitter = new DecorrelatedJitter(run.Request.Resilience.BaseDelay, run.Request.Resilience.MaxDelay, run.Request.Resilience.Randomizer);
        var failures = 0;
        while (true)
        {
            var correlationId = CorrelationIds.New();
            var started = Stopwatch.GetTimestamp();
            using var response = await run.Pipeline.SendAsync(url, Accept, correlationId, null, token).ConfigureAwait(false);
            try
            {
                using var body = PageBody.Bound(run, await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), url, token);
                var doc = await JsonDocument.ParseAsync(body, s_parse, token).ConfigureAwait(false);
                run.Verbose?.Invoke(string.Create(CultureInfo.InvariantCulture, $"GET {masked} -> {(int)response.StatusCode} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms; correlation {correlationId}"));
                return doc;
            }
            catch (JsonException ex)
            {
                throw Error(run, url, $"The IIIF Change Discovery document {masked} is not valid JSON ({ex.Message}); correlation {correlationId}. Nothing was applied; report it to the stream's maintainers.", ex);
            }
            catch (Exception ex) when (MuseumPoller.IsBodyFailure(ex, token))
            {
                failures++;
                run.Stats.BodyBreak();
                if (failures > run.Request.MaxBodyRetries)
                {
                    throw new MuseumPollException(
                        $"The response body of {masked} broke off {failures} times (last: {ex.Message}); correlation {correlationId}. Run again to resume from the checkpoint.",
                        "MuseumPollBodyBroken", isTransient: true, UrlMasker.Strip(url, run.Pipeline.SecretNames), (int)response.StatusCode, correlationId, ex);
                }
                await Task.Delay(jitter.Next(), run.Time, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A <c>last</c> or <c>prev</c> link as an absolute URL the source may follow (its origin allowed).</summary>
    private static Uri Link(PollRun run, Uri from, string link, string name)
    {
        if (!Uri.TryCreate(from, link, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw Error(run, from, $"The '{name}' link of {run.Pipeline.Mask(from)} is not an http(s) URL ('{link}'); report it to the stream's maintainers.");
        }
        run.Pipeline.Origins.Check(url, $"The '{name}' link of {run.Pipeline.Mask(from)}", run.Request.Source);
        return url;
    }

    private static MuseumPollException Error(PollRun run, Uri url, string message, Exception? inner = null) =>
        new(message, ErrorId, isTransient: false, UrlMasker.Strip(url, run.Pipeline.SecretNames), 200, null, inner);

    private static string Raw(string id, int? status) => status is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{{\"id\":{JsonSerializer.Serialize(id)},\"status\":{s}}}")
        : $"{{\"id\":{JsonSerializer.Serialize(id)}}}";

    private static int Compare(in Change c, (DateTimeOffset? Time, string ObjectId) position)
    {
        var byTime = Nullable.Compare(c.Time, position.Time);
        return byTime != 0 ? byTime : string.CompareOrdinal(c.ObjectId, position.ObjectId);
    }

    /// <summary>Where a batch ended: <c>cd:</c>, the change's time (round-trip form, <c>-</c> when it had none), a space, the object id.</summary>
    private static string FormatPosition(in Change c) =>
        PositionPrefix + (c.Time is { } t ? t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : "-") + " " + c.ObjectId;

    private static (DateTimeOffset? Time, string ObjectId)? ParsePosition(string? position, string source)
    {
        if (position is null) return null;
        var space = position.IndexOf(' ', StringComparison.Ordinal);
        if (position.StartsWith(PositionPrefix, StringComparison.Ordinal) && space > PositionPrefix.Length && space < position.Length - 1)
        {
            var time = position[PositionPrefix.Length..space];
            if (time == "-") return (null, position[(space + 1)..]);
            if (DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t)) return (t, position[(space + 1)..]);
        }
        throw new ArgumentException($"The position '{position}' is not a IIIF Change Discovery position (cd:time object-id); it was stored by another paging style. Start source '{source}' over with Reset-SyncCheckpoint -Source {source}.");
    }
}
