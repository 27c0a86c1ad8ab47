using MuseumSync.Http;
using MuseumSync.Polling;
using MuseumSync.Resilience;

namespace MuseumSync.Paging;

/// <summary>
/// A pager whose positions are safe to follow, store and log: a next link or a position to resume from that points at
/// another origin is refused (<see cref="OriginPolicy.ErrorId"/>), and one that carries a secret has it stripped (a
/// secret-looking query parameter, or one holding the caller's credential), since the configured credential is added
/// again on every request. A credential left where it cannot be stripped (a path, an opaque cursor) stops the run.
/// Within a run the next page is requested by the link exactly as the server sent it (a signed link keeps working); only
/// the stripped form is handed out as a position, and a stripped position from a checkpoint gets the secret query
/// parameters of the configured endpoint (<c>-Uri …?api_key=…</c>) back when it is requested.
/// </summary>
internal sealed class GuardedPager(Pager inner, PollRequest request, SourcePipeline pipeline) : Pager(request, pipeline.SecretNames)
{
    /// <summary>The stripped next links of this run and the links as the server sent them; a page or two, never more.</summary>
    private readonly Dictionary<string, Uri> _sent = new(StringComparer.Ordinal);

    public override string Name => inner.Name;

    public override bool CountDecides => inner.CountDecides;

    public override bool ReadsRefusals => inner.ReadsRefusals;

    public override bool TryAfterRefusal(string? position, string body, out string? next) => inner.TryAfterRefusal(position, body, out next);

    public override Uri PageUrl(string? position)
    {
        Uri url;
        if (position is not null && _sent.TryGetValue(position, out var sent)) url = sent;
        else if (IsAbsoluteHttp(position, out _)) url = Reattach(inner.PageUrl(position));
        else url = inner.PageUrl(position);
        if (!pipeline.Origins.Allows(url)) pipeline.Origins.Check(url, ResumeWhat(), Request.Source);
        return url;
    }

    public override string? Next(string? position, in PageFacts facts)
    {
        var next = inner.Next(position, facts);
        if (next is null) return null;
        var from = inner.PageUrl(position);
        var clean = Clean(next, () => $"The next link of {pipeline.Mask(from)}");
        if (!string.Equals(clean, next, StringComparison.Ordinal) && IsAbsoluteHttp(next, out var asSent))
        {
            if (_sent.Count >= 4) _sent.Clear();
            _sent[clean] = asSent;
        }
        return clean;
    }

    /// <summary>The start position as it may be requested and stored (see <see cref="Clean"/>).</summary>
    public string? Start(string? position) =>
        position is null ? null : Clean(position, ResumeWhat);

    private string ResumeWhat() => $"The position to resume source '{Request.Source}' from (its stored checkpoint, or -Cursor)";

    /// <summary>The URL with the configured endpoint's secret query parameters that it lacks (a key written into -Uri).</summary>
    private Uri Reattach(Uri url)
    {
        var query = Request.Uri.Query.TrimStart('?');
        if (query.Length == 0) return url;
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var name = Uri.UnescapeDataString(part[..eq]);
            if (!UrlMasker.IsSecretName(name) && !SecretNames.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            if (HasParameter(url, name)) continue;
            url = QueryString.With(url, (name, Uri.UnescapeDataString(part[(eq + 1)..])));
        }
        return url;
    }

    private static bool HasParameter(Uri url, string name) =>
        url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Any(p => Uri.UnescapeDataString(p.Split('=')[0]).Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>An absolute URL from an allowed origin without its secrets, a cursor as it is; throws for a foreign origin or a credential that cannot be stripped.</summary>
    private string Clean(string position, Func<string> what)
    {
        if (IsAbsoluteHttp(position, out var url))
        {
            if (!pipeline.Origins.Allows(url)) pipeline.Origins.Check(url, what(), Request.Source);
            position = pipeline.Strip(url).AbsoluteUri;
        }
        if (SecretValues.Contains(position, pipeline.CurrentSecretValues()))
        {
            throw new MuseumPollException(
                $"{what()} carries a credential of source '{Request.Source}' in its path or cursor, where it cannot be removed without breaking the link. " +
                "MuseumSync stops rather than store or log it; report the link to the API's maintainers, and rotate the credential if the server is not yours to trust.",
                OriginPolicy.CredentialInPositionErrorId, isTransient: false, null, null, null);
        }
        return position;
    }
}
