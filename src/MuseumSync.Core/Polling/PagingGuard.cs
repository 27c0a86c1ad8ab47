using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MuseumSync.Http;

namespace MuseumSync.Polling;

/// <summary>
/// Makes every paged run end: a position (cursor, next URL, page number, offset, resumptionToken) the run has already
/// read is never read again, whatever position leads to its URL (a cycle A → B → A, or a page that names itself as the next), and a run of
/// <see cref="PollRequest.MaxEmptyPages"/> empty pages in a row that still name a next page stops the run. Page URLs are
/// kept as 8-byte hashes, so a run of a million pages holds about 8 MB here.
/// </summary>
internal sealed class PagingGuard
{
    private readonly PollRun _run;
    private readonly HashSet<long> _read = new();
    private int _emptyInARow;

    public PagingGuard(PollRun run) => _run = run;

    /// <summary>Marks the page at <paramref name="url"/> as read by this run.</summary>
    public void Reading(Uri url) => _read.Add(Key(url));

    /// <summary>
    /// Checks the page just read, which held <paramref name="records"/> records and named <paramref name="next"/> as the
    /// next position; throws when following it would read a page again or when the empty pages run too long.
    /// </summary>
    /// <param name="position">The position of the page just read.</param>
    /// <param name="url">Its URL (masked in messages).</param>
    /// <param name="records">How many records (or ids) it held.</param>
    /// <param name="next">The next position it named; null at the end of the feed.</param>
    public void Read(string? position, Uri url, long records, string? next)
    {
        if (next is null) return;
        var request = _run.Request;
        if (_read.Contains(Key(_run.Pager.PageUrl(next))))
        {
            var what = string.Equals(next, position, StringComparison.Ordinal) ? "itself" : "a page this run has already read";
            throw new MuseumPollException(
                string.Create(CultureInfo.InvariantCulture,
                    $"The source '{request.Source}' sends the poll in a circle: the page {_run.Pipeline.Mask(url)} names {what} as the next ({Shown(next)}), after {_read.Count} pages. The poll stops here instead of reading pages again; the complete pages before it stand. The API's paging is broken: report it to its maintainers, or start again from the first page with Reset-SyncCheckpoint -Source {request.Source}."),
                "MuseumPollPagingLoop", isTransient: false, UrlMasker.Strip(url, _run.Pipeline.SecretNames), 200, null);
        }
        _emptyInARow = records == 0 ? _emptyInARow + 1 : 0;
        if (_emptyInARow >= request.MaxEmptyPages)
        {
            throw new MuseumPollException(
                string.Create(CultureInfo.InvariantCulture,
                    $"The source '{request.Source}' answered {_emptyInARow} empty pages in a row that each name a next page (the last: {_run.Pipeline.Mask(url)}, next {Shown(next)}). The poll stops here instead of paging on without progress; the complete pages before it stand. Check -Uri and the paging parameters, raise -MaxEmptyPages (now {request.MaxEmptyPages}) if the API really pages over long gaps, or report it to the API's maintainers."),
                "MuseumPollNoProgress", isTransient: false, UrlMasker.Strip(url, _run.Pipeline.SecretNames), 200, null);
        }
    }

    private string Shown(string next) =>
        Paging.Pager.IsAbsoluteHttp(next, out var uri) ? _run.Pipeline.Mask(uri) : MuseumPoller.Describe(next);

    /// <summary>A page is known by its URL, so a next URL that leads back to the first page (a position of null) is a repeat too.</summary>
    private static long Key(Uri url)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri), hash);
        return BitConverter.ToInt64(hash);
    }
}
