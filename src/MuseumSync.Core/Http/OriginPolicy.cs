using MuseumSync.Polling;

namespace MuseumSync.Http;

/// <summary>
/// Where a source's requests (and so its credentials) may go: the origin (scheme, host, port) of its configured endpoint,
/// of its item URL (ID fan-out), and of an explicit allow-list (<see cref="PollRequest.AllowedOrigins"/>). A next link, a
/// redirect or a stored checkpoint that points anywhere else stops the run with <see cref="ErrorId"/>; it is never
/// followed, never sent a credential and never stored. Browsers keep credentials same-origin for the same reason.
/// </summary>
internal sealed class OriginPolicy
{
    /// <summary>The stable error id of a refused origin.</summary>
    public const string ErrorId = "MuseumPollForeignOrigin";

    /// <summary>The stable error id of a next link or checkpoint that carries the source's credential where it cannot be stripped (a path, an opaque cursor).</summary>
    public const string CredentialInPositionErrorId = "MuseumPollCredentialInPosition";

    private readonly List<string> _origins = [];
    private Uri? _lastAllowed; // read and written by concurrent requests: any allowed URL will do

    /// <summary>Creates the policy for <paramref name="endpoint"/>, <paramref name="itemUri"/> (a template with <c>{id}</c>; may be null) and <paramref name="allowed"/>.</summary>
    public OriginPolicy(Uri endpoint, string? itemUri = null, IEnumerable<Uri>? allowed = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Add(endpoint);
        if (itemUri is not null && Uri.TryCreate(itemUri.Replace("{id}", "0", StringComparison.Ordinal), UriKind.Absolute, out var item)) Add(item);
        foreach (var a in allowed ?? []) Add(a);
    }

    /// <summary>The origins this source may talk to, configured endpoint first (<c>https://api.example.org:443</c>).</summary>
    public IReadOnlyList<string> Origins => _origins;

    /// <summary>The policy of a poll request.</summary>
    public static OriginPolicy For(PollRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new OriginPolicy(request.Uri, request.ItemUri, request.AllowedOrigins);
    }

    /// <summary>The origin of <paramref name="uri"/>: scheme, host and port, lower case, the port always written (<c>https://api.example.org:443</c>).</summary>
    public static string OriginOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsAbsoluteUri
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{uri.Scheme.ToLowerInvariant()}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}")
            : "(relative)";
    }

    /// <summary>True when <paramref name="uri"/> has one of the allowed origins.</summary>
    public bool Allows(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri) return false;
        // A source's pages share their origin: one that matches the last allowed URL exactly needs no origin text (a
        // check per page). Anything else is compared as the origin text, case-insensitively as before.
        if (_lastAllowed is { } last && last.Port == uri.Port && string.Equals(last.Scheme, uri.Scheme, StringComparison.Ordinal)
            && string.Equals(last.IdnHost, uri.IdnHost, StringComparison.Ordinal))
        {
            return true;
        }
        if (!_origins.Contains(OriginOf(uri), StringComparer.Ordinal)) return false;
        _lastAllowed = uri;
        return true;
    }

    /// <summary>Throws <see cref="ErrorId"/> when <paramref name="target"/> is not allowed.</summary>
    /// <param name="target">The URL about to be followed, requested or resumed from.</param>
    /// <param name="what">What pointed there, for the message: "the next link of https://…", "a redirect from https://…", "the stored checkpoint".</param>
    /// <param name="source">The source name, for the message.</param>
    public void Check(Uri target, string what, string source)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Allows(target)) return;
        var foreign = OriginOf(target);
        var allowed = _origins.Count == 1 ? $"the configured endpoint's origin {_origins[0]}" : $"the allowed origins {string.Join(", ", _origins)}";
        throw new MuseumPollException(
            $"{what} points at {foreign}, which is not {allowed}. MuseumSync does not follow it and stores nothing from it: " +
            $"the credentials of source '{source}' go only to its own origin. If {foreign} is part of this API, allow it with " +
            $"-AllowedOrigin {Trim(foreign)} (AllowedOrigin = @('{Trim(foreign)}') in sync.psd1); if it is a stale checkpoint, move it with " +
            $"Set-SyncCheckpoint or Reset-SyncCheckpoint -Source {source}; otherwise report the link to the API's maintainers.",
            ErrorId, isTransient: false, Uri.TryCreate(foreign, UriKind.Absolute, out var u) ? u : null, null, null);
    }

    /// <summary>Checks an -AllowedOrigin value: an absolute http(s) URL with nothing after the host and port.</summary>
    public static void Validate(Uri origin, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (!origin.IsAbsoluteUri || (origin.Scheme != Uri.UriSchemeHttp && origin.Scheme != Uri.UriSchemeHttps) ||
            origin.AbsolutePath != "/" || origin.Query.Length > 0 || origin.Fragment.Length > 0 || origin.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                $"The allowed origin '{origin.OriginalString}' is not an origin; write the scheme, host and port only, for example https://images.example.org or http://127.0.0.1:8080.",
                parameterName);
        }
    }

    private void Add(Uri uri)
    {
        var origin = OriginOf(uri);
        if (!_origins.Contains(origin, StringComparer.Ordinal)) _origins.Add(origin);
    }

    /// <summary>The origin as a user writes it: without the scheme's default port.</summary>
    private static string Trim(string origin) =>
        origin.EndsWith(":443", StringComparison.Ordinal) && origin.StartsWith("https:", StringComparison.Ordinal) ? origin[..^4]
        : origin.EndsWith(":80", StringComparison.Ordinal) && origin.StartsWith("http:", StringComparison.Ordinal) ? origin[..^3]
        : origin;
}
