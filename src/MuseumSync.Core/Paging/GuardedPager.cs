using MuseumSync.Http;
using MuseumSync.Polling;
using MuseumSync.Resilience;

namespace MuseumSync.Paging;

/// <summary>
/// A pager whose positions are safe to follow, store and log: a next link or a position to resume from that points at
/// another origin is refused (<see cref="OriginPolicy.ErrorId"/>), and one that carries a secret has it stripped (a
/// secret-looking query parameter, or one holding the caller's credential), since the configured credential is added
/// again on every request. A credential left where it cannot be stripped (a path, an opaque cursor) stops the run.
/// </summary>
internal sealed class GuardedPager(Pager inner, PollRequest request, SourcePipeline pipeline) : Pager(request, pipeline.SecretNames)
{
    /// <summary>The stable error id of a position that carries a credential where it cannot be stripped.</summary>
    public const string CredentialInPositionErrorId = "MuseumPollCredentialInPosition";

    public override string Name => inner.Name;

    public override bool CountDecides => inner.CountDecides;

    public override Uri PageUrl(string? position)
    {
        var url = inner.PageUrl(position);
        pipeline.Origins.Check(url, $"The position to resume source '{Request.Source}' from (its stored checkpoint, or -Cursor)", Request.Source);
        return url;
    }

    public override string? Next(string? position, in PageFacts facts)
    {
        var next = inner.Next(position, facts);
        if (next is null) return null;
        var from = inner.PageUrl(position);
        return Clean(next, () => $"The next link of {pipeline.Mask(from)}");
    }

    /// <summary>The start position as it may be requested and stored (see <see cref="Clean"/>).</summary>
    public string? Start(string? position) =>
        position is null ? null : Clean(position, () => $"The position to resume source '{Request.Source}' from (its stored checkpoint, or -Cursor)");

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
                CredentialInPositionErrorId, isTransient: false, null, null, null);
        }
        return position;
    }
}
