using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MuseumSync.Http;
using MuseumSync.Json;
using MuseumSync.Mapping;
using MuseumSync.Paging;
using MuseumSync.Resilience;
using MuseumSync.Validation;

namespace MuseumSync.Polling;

/// <summary>
/// ID fan-out, the shape of The Met's API: an id-list endpoint (paged in any style; <c>{"ids":[…],"next_cursor":…}</c>
/// and <c>{"total":N,"objectIDs":[…]}</c> are both recognised), then one GET per id at up to
/// <see cref="PollRequest.ThrottleLimit"/> at a time. Records come out in id-list order (fetched concurrently, put back in
/// order), a chunk of at most <see cref="PollRequest.PageSize"/> ids at a time, so the last record of each chunk carries
/// the end-of-page mark. An id that answers 404 is a dead letter, 410 a deletion.
/// </summary>
internal static class FanOut
{
    private const int MaxItemBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<MuseumRecord> ReadAsync(PollRun run)
    {
        var request = run.Request;
        var token = run.Token;
        if (request.FanOutIds is { } given)
        {
            // A scale-out chunk job: these ids only, no id list; the job commits them in one transaction with its done-mark.
            using var chunkGate = new SemaphoreSlim(request.ThrottleLimit, request.ThrottleLimit);
            run.Stats.Page();
            var chunkOrigin = new RecordOrigin(request.Source, null, 1, 0, null, null, default, run.Watermark);
            await foreach (var record in ChunkAsync(run, given.ToList<string?>(), chunkOrigin, null, endOfFeed: false, chunkGate).ConfigureAwait(false))
            {
                yield return record;
            }
            yield break;
        }
        var (listPosition, skip) = FanOutPosition.Parse(run.StartPosition);
        long pageNumber = 0;
        using var gate = new SemaphoreSlim(request.ThrottleLimit, request.ThrottleLimit);
        var guard = new PagingGuard(run);
        while (true)
        {
            var listUrl = run.Pager.PageUrl(listPosition);
            guard.Reading(listUrl);
            long listCount;
            var (spool, scan, facts) = await ReadListAsync(run, listUrl, token).ConfigureAwait(false);
            string? listNext;
            using (spool)
            {
                facts.Count = scan.ItemCount;
                listNext = run.Pager.Next(listPosition, facts);
                listCount = scan.ItemCount;
                if (scan.ItemsOffset < 0 || scan.ItemsIsObject)
                {
                    throw new MuseumPollException(
                        $"The id list {run.Pipeline.Mask(listUrl)} holds no array of ids; point -Uri at the id-list endpoint (for example …/objects or …/ids) or name the array with -ItemsPath.",
                        "MuseumPollNoIdList", isTransient: false, UrlMasker.Strip(listUrl, run.Pipeline.SecretNames), 200, null);
                }
                var ids = spool.OpenRead();
                ids.Seek(scan.ItemsOffset, SeekOrigin.Begin);
                using var items = new JsonArrayItems(ids);
                var index = 0;
                while (index < skip && await items.ReadAsync(token).ConfigureAwait(false)) index++;
                while (index < scan.ItemCount)
                {
                    if (request.MaxPages is { } max && pageNumber >= max) yield break;
                    pageNumber++;
                    run.Stats.Page();
                    var chunkStart = index;
                    var chunk = new List<string?>(Math.Min(request.PageSize, scan.ItemCount - index));
                    while (chunk.Count < request.PageSize && await items.ReadAsync(token).ConfigureAwait(false))
                    {
                        chunk.Add(items.CurrentType is JsonTokenType.String or JsonTokenType.Number ? items.CurrentText?.Trim() : null);
                        index++;
                    }
                    if (chunk.Count == 0) break;
                    var last = index >= scan.ItemCount;
                    var chunkPosition = FanOutPosition.Format(listPosition, chunkStart);
                    var resume = last ? run.ResumeAfter(chunkPosition, listNext) : FanOutPosition.Format(listPosition, index);
                    var origin = new RecordOrigin(request.Source, chunkPosition, pageNumber, 0, null, null, default, run.Watermark);
                    await foreach (var record in ChunkAsync(run, chunk, origin, resume, last && listNext is null, gate).ConfigureAwait(false))
                    {
                        yield return record;
                    }
                }
            }
            if (listNext is null) yield break;
            guard.Read(listPosition, listUrl, listCount, listNext);
            listPosition = listNext;
            skip = 0;
        }
    }

    /// <summary>The ids of the whole id list, page after page, in order (a null for an element that is not an id).</summary>
    public static async IAsyncEnumerable<string?> ListIdsAsync(PollRun run)
    {
        var token = run.Token;
        var listPosition = FanOutPosition.Parse(run.StartPosition).ListPosition;
        var guard = new PagingGuard(run);
        while (true)
        {
            var listUrl = run.Pager.PageUrl(listPosition);
            guard.Reading(listUrl);
            var (spool, scan, facts) = await ReadListAsync(run, listUrl, token).ConfigureAwait(false);
            string? listNext;
            using (spool)
            {
                facts.Count = scan.ItemCount;
                listNext = run.Pager.Next(listPosition, facts);
                if (scan.ItemsOffset < 0 || scan.ItemsIsObject)
                {
                    throw new MuseumPollException(
                        $"The id list {run.Pipeline.Mask(listUrl)} holds no array of ids; point -Uri at the id-list endpoint (for example …/objects or …/ids) or name the array with -ItemsPath.",
                        "MuseumPollNoIdList", isTransient: false, UrlMasker.Strip(listUrl, run.Pipeline.SecretNames), 200, null);
                }
                var ids = spool.OpenRead();
                ids.Seek(scan.ItemsOffset, SeekOrigin.Begin);
                using var items = new JsonArrayItems(ids);
                while (await items.ReadAsync(token).ConfigureAwait(false))
                {
                    yield return items.CurrentType is JsonTokenType.String or JsonTokenType.Number ? items.CurrentText?.Trim() : null;
                }
            }
            if (listNext is null) yield break;
            guard.Read(listPosition, listUrl, scan.ItemCount, listNext);
            listPosition = listNext;
        }
    }

    /// <summary>Reads one id-list page whole (it is small: ids only), reading it again when its body breaks off.</summary>
    private static async Task<(PageSpool Spool, JsonPageScan Scan, PageFacts Facts)> ReadListAsync(PollRun run, Uri url, CancellationToken token)
    {
        var correlationId = CorrelationIds.New();
        var masked = run.Pipeline.Mask(url);
        var jitter = new DecorrelatedJitter(run.Request.Resilience.BaseDelay, run.Request.Resilience.MaxDelay, run.Request.Resilience.Randomizer);
        var failures = 0;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await run.Pipeline.SendAsync(url, "application/json", correlationId, null, token).ConfigureAwait(false);
            var facts = MuseumPoller.HeaderFacts(run, response, url);
            PageSpool? spool = null;
            try
            {
                using var body = PageBody.Bound(run, await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), url, token);
                spool = await PageSpool.FillAsync(body, run.Request.SpoolMemoryLimit, token, run.Request.SpoolDirectory).ConfigureAwait(false);
                using var first = spool.OpenRead();
                var scan = await JsonPageScan.ScanAsync(first, run.ItemsPath, run.Watched, token).ConfigureAwait(false);
                run.BodyFacts(scan, url, ref facts);
                facts.Count = scan.ItemCount;
                run.Verbose?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"GET {masked} -> {(int)response.StatusCode} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms (id list '{scan.ItemsPath}': {scan.ItemCount} ids); correlation {correlationId}; next {MuseumPoller.Describe(run.Pager.Next(null, facts))}"));
                return (spool, scan, facts);
            }
            catch (Exception ex) when (MuseumPoller.IsBodyFailure(ex, token) || ex is JsonException)
            {
                spool?.Dispose();
                failures++;
                run.Stats.BodyBreak();
                if (failures > run.Request.MaxBodyRetries)
                {
                    throw new MuseumPollException(
                        $"The id list {masked} could not be read {failures} times (last: {ex.Message}); correlation {correlationId}. Run again to resume from the checkpoint.",
                        "MuseumPollBodyBroken", isTransient: true, UrlMasker.Strip(url, run.Pipeline.SecretNames), (int)response.StatusCode, correlationId, ex);
                }
                var delay = jitter.Next();
                run.Verbose?.Invoke(string.Create(CultureInfo.InvariantCulture, $"the id list {masked} broke off ({ex.GetType().Name}: {ex.Message}); reading it again in {delay.TotalMilliseconds:0} ms; correlation {correlationId}"));
                await Task.Delay(delay, run.Time, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One chunk: fetched concurrently (at most ThrottleLimit in flight), handed out in id-list order.</summary>
    private static async IAsyncEnumerable<MuseumRecord> ChunkAsync(PollRun run, List<string?> chunk, RecordOrigin origin, string? resume, bool endOfFeed, SemaphoreSlim gate)
    {
        // The same id listed twice in a chunk is fetched once.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ids = new List<string?>(chunk.Count);
        foreach (var id in chunk)
        {
            if (id is null || seen.Add(id)) ids.Add(id);
        }
        await foreach (var record in InOrderAsync(run, ids, (id, line, token) => FetchAsync(run, id, origin with { LineNumber = line }, resume, gate, token), endOfFeed).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <summary>
    /// Fetches <paramref name="items"/> concurrently (at most twice ThrottleLimit started ahead; <paramref name="fetch"/>
    /// waits for its turn) and hands the records out in order; the last carries the end-of-page mark.
    /// </summary>
    internal static async IAsyncEnumerable<MuseumRecord> InOrderAsync<T>(PollRun run, IReadOnlyList<T> items, Func<T, int, CancellationToken, Task<MuseumRecord>> fetch, bool endOfFeed)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(run.Token);
        var window = new Queue<Task<MuseumRecord>>();
        var ahead = run.Request.ThrottleLimit * 2;
        var next = 0;
        var handed = 0;
        try
        {
            while (handed < items.Count)
            {
                while (next < items.Count && window.Count < ahead)
                {
                    window.Enqueue(fetch(items[next], next + 1, cts.Token));
                    next++;
                }
                var record = await window.Dequeue().ConfigureAwait(false);
                handed++;
                if (handed == items.Count)
                {
                    record.EndOfPage = true;
                    record.EndOfFeed = endOfFeed;
                }
                yield return record;
            }
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            foreach (var pending in window)
            {
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The chunk is abandoned (an error or Ctrl+C); its other requests end here.
                }
            }
        }
    }

    private static async Task<MuseumRecord> FetchAsync(PollRun run, string? id, RecordOrigin origin, string? resume, SemaphoreSlim gate, CancellationToken token)
    {
        if (string.IsNullOrEmpty(id))
        {
            return RecordFactory.Problem(null, "{\"id\":null}", new ValidationIssue("(id)", RecordValidator.RuleType,
                "The id list holds an element that is not an id (a number or a string) here; it was skipped. Check -ItemsPath."), origin, resume);
        }
        if (id is "." or "..")
        {
            // A dot segment survives percent-encoding (RFC 3986 §2.3) and would address the item path's parent, not an item.
            return RecordFactory.Problem(id, $"{{\"id\":{JsonSerializer.Serialize(id)}}}", new ValidationIssue("(id)", RecordValidator.RuleType,
                $"The id list holds the id '{id}', a path dot segment: fetching it would request another path than an item of {run.Request.ItemUri}. It was not fetched; fix the id list at the source."), origin, resume);
        }
        await gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var url = new Uri(run.Request.ItemUri!.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal));
            var correlationId = CorrelationIds.New();
            var masked = run.Pipeline.Mask(url);
            origin = origin with { SourceUrl = masked, CorrelationId = correlationId };
            var jitter = new DecorrelatedJitter(run.Request.Resilience.BaseDelay, run.Request.Resilience.MaxDelay, run.Request.Resilience.Randomizer);
            var failures = 0;
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await run.Pipeline.SendAsync(url, "application/json", correlationId, static s => s is 404 or 410, token).ConfigureAwait(false);
                origin = origin with { FetchedAt = run.Time.GetUtcNow() };
                var status = (int)response.StatusCode;
                if (status == 404)
                {
                    run.Verbose?.Invoke($"GET {masked} -> 404: id '{id}' is listed but has no record; dead-lettered; correlation {correlationId}");
                    return RecordFactory.Problem(id, Raw(id, status), new ValidationIssue("(item)", "http-404",
                        $"GET {masked} answered 404 Not Found: the id list names '{id}' but the API has no record for it (correlation {correlationId})."), origin, resume);
                }
                if (status == 410)
                {
                    run.Verbose?.Invoke($"GET {masked} -> 410: id '{id}' was deleted; correlation {correlationId}");
                    return RecordFactory.Deletion(id, Raw(id, status), origin, resume);
                }
                byte[]? buffer = null;
                try
                {
                    int length;
                    (buffer, length) = await ReadAllAsync(response, run.Request.Resilience.AttemptTimeout, MaxItemBytes, token).ConfigureAwait(false);
                    var json = buffer.AsSpan(0, length);
                    var record = run.ItemPath is null ? run.Factory.Create(json, origin, resume, endOfPage: false) : CreateAt(run, json, origin, resume);
                    run.Verbose?.Invoke(string.Create(CultureInfo.InvariantCulture, $"GET {masked} -> {status} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms; correlation {correlationId}"));
                    return record;
                }
                catch (Exception ex) when (MuseumPoller.IsBodyFailure(ex, token))
                {
                    failures++;
                    run.Stats.BodyBreak();
                    if (failures > run.Request.MaxBodyRetries)
                    {
                        throw new MuseumPollException(
                            $"The response body of {masked} broke off {failures} times (last: {ex.Message}); correlation {correlationId}. Run again to resume from the checkpoint.",
                            "MuseumPollBodyBroken", isTransient: true, UrlMasker.Strip(url, run.Pipeline.SecretNames), status, correlationId, ex);
                    }
                    var delay = jitter.Next();
                    run.Verbose?.Invoke(string.Create(CultureInfo.InvariantCulture, $"the body of {masked} broke off ({ex.GetType().Name}: {ex.Message}); fetching it again in {delay.TotalMilliseconds:0} ms; correlation {correlationId}"));
                    await Task.Delay(delay, run.Time, token).ConfigureAwait(false);
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

    /// <summary>What a fan-out item without a body is stored as: its id and the status the API answered.</summary>
    private static string Raw(string id, int status) => string.Create(CultureInfo.InvariantCulture, $"{{\"id\":{JsonSerializer.Serialize(id)},\"status\":{status}}}");

    private static MuseumRecord CreateAt(PollRun run, ReadOnlySpan<byte> json, in RecordOrigin origin, string? resume)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var e = doc.RootElement;
            foreach (var segment in run.ItemPath!.Segments)
            {
                if (segment.IsIndex ? e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > segment.Index : e.ValueKind == JsonValueKind.Object && e.TryGetProperty(segment.Name!, out _))
                {
                    e = segment.IsIndex ? e[segment.Index] : e.GetProperty(segment.Name!);
                }
                else
                {
                    return run.Factory.Create(json, origin, resume, endOfPage: false);
                }
            }
            return run.Factory.Create(Encoding.UTF8.GetBytes(e.GetRawText()), origin, resume, endOfPage: false);
        }
        catch (JsonException)
        {
            return run.Factory.Create(json, origin, resume, endOfPage: false);
        }
    }

    /// <summary>The whole body into a pooled buffer (return it to <see cref="ArrayPool{T}.Shared"/>); past <paramref name="maxBytes"/> an <see cref="InvalidDataException"/>.</summary>
    internal static async Task<(byte[] Buffer, int Length)> ReadAllAsync(HttpResponseMessage response, TimeSpan idle, int maxBytes, CancellationToken token)
    {
        using var body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), idle, token);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= maxBytes) throw TooLarge(maxBytes);
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, bigger, 0, length);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var n = await body.ReadAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                if (n == 0) return (buffer, length);
                length += n;
                if (length > maxBytes) throw TooLarge(maxBytes);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static InvalidDataException TooLarge(int maxBytes) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The record is larger than {maxBytes / (1024.0 * 1024):0.##} MiB."));
}
