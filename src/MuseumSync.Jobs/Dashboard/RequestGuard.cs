using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace MuseumSync.Jobs.Dashboard;

/// <summary>What a request says about where it comes from, as <see cref="RequestGuard"/> checks it.</summary>
internal sealed record RequestFacts(string Method, IPAddress? Remote, string? Host, string? Origin, string? Referer, string? Token, long ContentLength);

/// <summary>A refused request: the status and the plain-text reason sent back.</summary>
internal sealed record Refusal(int Status, string Reason);

/// <summary>
/// The checks a request passes before it reaches Hangfire: from this machine, addressed to the dashboard's own origin
/// (a name that resolves to 127.0.0.1, as in DNS rebinding, is refused), a method the dashboard uses, and for a POST the
/// same origin (Origin, or Referer when a client sends no Origin) and the page's token (a header a page of another
/// origin can neither read nor send without a CORS preflight, which is never answered).
/// </summary>
internal sealed class RequestGuard
{
    /// <summary>The header the dashboard's script sends its token in (Hangfire's csrf-header meta tag names it).</summary>
    public const string TokenHeader = "X-MuseumSync-Dashboard-Token";

    private readonly byte[] _token;

    /// <summary>A guard for the dashboard at <paramref name="origin"/> (<c>http://127.0.0.1:PORT</c>) with a new random token.</summary>
    public RequestGuard(Uri origin, int maxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(origin);
        Origin = origin.GetLeftPart(UriPartial.Authority);
        HostHeader = origin.Authority;
        MaxBodyBytes = maxBodyBytes;
        Token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _token = Encoding.ASCII.GetBytes(Token);
    }

    /// <summary>The origin, <c>http://127.0.0.1:PORT</c>.</summary>
    public string Origin { get; }

    /// <summary>The Host header a request must carry, <c>127.0.0.1:PORT</c>.</summary>
    public string HostHeader { get; }

    /// <summary>The token the dashboard's pages carry and its POSTs send back.</summary>
    public string Token { get; }

    /// <summary>The largest request body accepted.</summary>
    public int MaxBodyBytes { get; }

    /// <summary>Null when the request may go on; otherwise why not.</summary>
    public Refusal? Check(RequestFacts request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Remote is null || !IPAddress.IsLoopback(request.Remote))
        {
            return new Refusal(403, "The MuseumSync dashboard answers this machine only; reach it through an SSH tunnel or a reverse proxy that authenticates.");
        }
        if (!string.Equals(request.Host, HostHeader, StringComparison.OrdinalIgnoreCase))
        {
            return new Refusal(421, $"This is the MuseumSync dashboard at {Origin}; open it by that address (host '{request.Host}' is refused).");
        }
        var post = string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase);
        if (!post && !string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase) && !string.Equals(request.Method, "HEAD", StringComparison.OrdinalIgnoreCase))
        {
            return new Refusal(405, $"Method {request.Method} is not used by the dashboard.");
        }
        if (!post)
        {
            return request.ContentLength > 0 ? new Refusal(400, "A GET carries no body.") : null;
        }
        if (!SameOrigin(request.Origin, request.Referer))
        {
            return new Refusal(403, $"A POST to the dashboard must come from its own pages at {Origin} (origin '{request.Origin ?? request.Referer ?? "none"}' is refused).");
        }
        if (request.Token is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(request.Token), _token))
        {
            return new Refusal(403, $"A POST to the dashboard must carry its page's {TokenHeader} header; reload the page.");
        }
        if (request.ContentLength > MaxBodyBytes)
        {
            return new Refusal(413, $"The request body ({request.ContentLength} bytes) is over the dashboard's limit of {MaxBodyBytes} bytes.");
        }
        return null;
    }

    /// <summary>
    /// Whether a POST comes from the dashboard's origin: its Origin header when it has one (browsers send it with every
    /// POST; "null" from a sandboxed or privacy-restricted page is not the origin), else its Referer's origin.
    /// </summary>
    public bool SameOrigin(string? origin, string? referer)
    {
        if (origin is not null) return string.Equals(origin, Origin, StringComparison.OrdinalIgnoreCase);
        if (referer is null || !Uri.TryCreate(referer, UriKind.Absolute, out var uri)) return false;
        return string.Equals(uri.GetLeftPart(UriPartial.Authority), Origin, StringComparison.OrdinalIgnoreCase);
    }
}
