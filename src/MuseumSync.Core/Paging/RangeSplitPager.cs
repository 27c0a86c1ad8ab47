using System.Globalization;
using MuseumSync.Polling;

namespace MuseumSync.Paging;

/// <summary>
/// Pages a query whose API lets one query reach only so many results (<see cref="PollRequest.ResultWindow"/>: the Art
/// Institute of Chicago's search stops at 1,000 with 403 "Invalid number of results", art-institute-of-chicago/api-data#5;
/// the Rijksmuseum's old API at page × size 10,000): the id range the query covers
/// (<see cref="PollRequest.RangeStart"/>–<see cref="PollRequest.RangeEnd"/>, sent as
/// <see cref="PollRequest.RangeFromParameter"/> and <see cref="PollRequest.RangeToParameter"/>, both inclusive) is halved
/// until each part fits, and the parts are paged one after another with the inner offset or page-number pager.
/// <para>
/// A part is split when its first page reports a total above the window, or when its next page would reach past the
/// window (then the records read from it are read again in its halves; the upsert absorbs them). The position carries
/// the part, the inner position and the parts still to read (<c>r:lo:hi:inner:lo-hi,lo-hi</c>), so a resumed run goes
/// on where the last one stopped; halving keeps that list as short as the number of halvings.
/// </para>
/// <para>
/// The window is also learned from the server's own refusal: a 403 whose body says "Invalid number of results" (AIC's
/// answer) on a page means the results before that page are all one query may reach. The window becomes that (when no
/// declared one is lower) and the part is split.
/// </para>
/// </summary>
internal sealed class RangeSplitPager(Pager inner, PollRequest request, IReadOnlyCollection<string> secretNames, Action<string>? log) : Pager(request, secretNames)
{
    private const string Prefix = "r:";

    /// <summary>What a 403 says when it refuses a page past the result window (AIC, art-institute-of-chicago/api-data#5).</summary>
    private const string WindowRefusal = "Invalid number of results";

    private (long Lo, long Hi) _lastSplit = (-1, -1);
    private long? _learned;

    public override string Name => inner.Name + " in id ranges";

    public override bool CountDecides => inner.CountDecides;

    public override bool ReadsRefusals => true;

    /// <summary>The most results one query may reach: the declared window, or the server's when its refusal said less; null while neither is known.</summary>
    private long? Window => _learned is { } learned && (Request.ResultWindow is not { } declared || learned < declared) ? learned : Request.ResultWindow;

    public override Uri PageUrl(string? position)
    {
        var (lo, hi, innerPosition, _) = Parse(position);
        return QueryString.With(inner.PageUrl(innerPosition),
            (Request.RangeFromParameter!, lo.ToString(CultureInfo.InvariantCulture)),
            (Request.RangeToParameter!, hi.ToString(CultureInfo.InvariantCulture)));
    }

    public override string? Next(string? position, in PageFacts facts)
    {
        var (lo, hi, innerPosition, pending) = Parse(position);
        if (innerPosition is null && facts.Total is { } total && total > Window && hi > lo)
        {
            return Split(lo, hi, pending, string.Create(CultureInfo.InvariantCulture, $"holds {total} records"));
        }
        var innerNext = inner.Next(innerPosition, facts);
        if (innerNext is not null)
        {
            if (Window is not { } window || Reach(innerNext) <= window) return Format(lo, hi, innerNext, pending);
            if (hi > lo) return Split(lo, hi, pending, "reaches past it");
            SkipRest(lo);
        }
        return NextPending(pending);
    }

    public override bool TryAfterRefusal(string? position, string body, out string? next)
    {
        next = null;
        if (!body.Contains(WindowRefusal, StringComparison.OrdinalIgnoreCase)) return false;
        var (lo, hi, innerPosition, pending) = Parse(position);
        var reached = Reach(innerPosition) - Request.PageSize;
        if (reached < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The source '{Request.Source}' refused the first page of the ids {lo}-{hi} for asking too many results ({Shorten(body)}): one page of {Request.PageSize} is more than the server lets a query reach. Lower -PageSize."));
        }
        if (Window is not { } known || reached < known) _learned = reached;
        var why = string.Create(CultureInfo.InvariantCulture, $"reaches past it (the server refused result {reached + 1} on: {Shorten(body)})");
        if (hi > lo)
        {
            next = Split(lo, hi, pending, why);
            return true;
        }
        SkipRest(lo);
        next = NextPending(pending);
        return true;
    }

    private void SkipRest(long id) => log?.Invoke(string.Create(CultureInfo.InvariantCulture,
        $"result window: the id {id} alone has more results than the {Window} a query may reach; its results past {Window} are not read"));

    private static string? NextPending(List<(long Lo, long Hi)> pending) =>
        pending.Count == 0 ? null : Format(pending[0].Lo, pending[0].Hi, null, pending.GetRange(1, pending.Count - 1));

    private static string Shorten(string body)
    {
        var s = body.ReplaceLineEndings(" ").Trim();
        return s.Length <= 160 ? s : s[..157] + "...";
    }

    /// <summary>How far into the query's results the page at <paramref name="innerPosition"/> (null: the first page) reaches.</summary>
    private long Reach(string? innerPosition)
    {
        if (innerPosition is null) return Request.PageSize;
        var n = long.Parse(innerPosition, NumberStyles.None, CultureInfo.InvariantCulture);
        return Request.Paging == PagingStyle.PageNumber ? (n - Request.FirstPage + 1) * Request.PageSize : n + Request.PageSize;
    }

    private string Split(long lo, long hi, List<(long Lo, long Hi)> pending, string why)
    {
        var mid = lo + ((hi - lo) / 2);
        if (_lastSplit != (lo, hi))
        {
            // Next is asked twice per page (before and after its records are read): said once.
            _lastSplit = (lo, hi);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"result window: the ids {lo}-{hi} ({Request.RangeFromParameter}/{Request.RangeToParameter}) {why}, more than the {Window} results one query may reach; split into {lo}-{mid} and {mid + 1}-{hi}"));
        }
        pending.Insert(0, (mid + 1, hi));
        return Format(lo, mid, null, pending);
    }

    private (long Lo, long Hi, string? Inner, List<(long Lo, long Hi)> Pending) Parse(string? position)
    {
        var whole = (Request.RangeStart, Request.RangeEnd!.Value, (string?)null, new List<(long, long)>());
        if (position is null || !position.StartsWith(Prefix, StringComparison.Ordinal)) return whole;
        var parts = position[Prefix.Length..].Split(':');
        if (parts.Length != 4 || !TryLong(parts[0], out var lo) || !TryLong(parts[1], out var hi) || lo > hi)
        {
            throw new ArgumentException($"The position '{position}' is not a position of an id-range split (r:from:to:position:pending); reset the checkpoint of source '{Request.Source}'.");
        }
        var pending = new List<(long, long)>();
        foreach (var range in parts[3].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !TryLong(range[..dash], out var a) || !TryLong(range[(dash + 1)..], out var b) || a > b)
            {
                throw new ArgumentException($"The position '{position}' names a pending id range '{range}' that is not from-to; reset the checkpoint of source '{Request.Source}'.");
            }
            pending.Add((a, b));
        }
        return (lo, hi, parts[2].Length == 0 ? null : parts[2], pending);
    }

    private static bool TryLong(string s, out long value) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static string Format(long lo, long hi, string? innerPosition, List<(long Lo, long Hi)> pending) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{lo}:{hi}:{innerPosition}:{string.Join(',', pending.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Lo}-{p.Hi}")))}");
}
