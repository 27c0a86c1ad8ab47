namespace MuseumSync.Http;

/// <summary>Masks secret query values (API keys, tokens, signatures) and user info before a URL is logged or stored.</summary>
public static class UrlMasker
{
    private static readonly string[] s_secretNames =
    [
        "key", "apikey", "api_key", "api-key", "token", "access_token", "accesstoken", "auth", "secret", "client_secret",
        "password", "pwd", "signature", "sig", "code",
    ];

    /// <summary>Returns the URL with secret query values replaced by <c>***</c>.</summary>
    public static string Mask(Uri? uri) => Mask(uri, null);

    /// <summary>Returns the URL with secret query values (the usual names and <paramref name="extraSecretNames"/>) replaced by <c>***</c>.</summary>
    public static string Mask(Uri? uri, IReadOnlyCollection<string>? extraSecretNames)
    {
        if (uri is null) return string.Empty;
        if (!uri.IsAbsoluteUri) return uri.OriginalString;
        var b = new UriBuilder(uri);
        if (!string.IsNullOrEmpty(b.UserName) || !string.IsNullOrEmpty(b.Password))
        {
            b.UserName = "***";
            b.Password = string.Empty;
        }
        var query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            var parts = query.Split('&');
            for (var i = 0; i < parts.Length; i++)
            {
                var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) continue;
                var name = Uri.UnescapeDataString(parts[i][..eq]);
                if (IsSecretName(name) || IsExtra(name, extraSecretNames)) parts[i] = parts[i][..eq] + "=***";
            }
            b.Query = string.Join('&', parts);
        }
        return b.Uri.GetComponents(UriComponents.AbsoluteUri, UriFormat.UriEscaped);
    }

    /// <summary>A stored position as it may be logged: an absolute URL masked (<see cref="Mask(Uri?)"/>), a cursor as it is.</summary>
    public static string MaskPosition(string position)
    {
        ArgumentNullException.ThrowIfNull(position);
        return Uri.TryCreate(position, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? Mask(uri) : position;
    }

    /// <summary>
    /// The URL without the named query parameters (and without user info): a next-page URL that a server built with the
    /// caller's API key in it is stored this way, and the key is added again when the page is requested.
    /// </summary>
    public static Uri Strip(Uri uri, IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(names);
        if (!uri.IsAbsoluteUri || (names.Count == 0 && string.IsNullOrEmpty(uri.UserInfo))) return uri;
        return Strip(uri, names.Count > 0, (name, _) => IsExtra(name, names));
    }

    /// <summary>
    /// The URL as a position may be stored: without user info and without every query parameter that carries a secret
    /// (a secret-looking name such as <c>access_token</c> or <c>signature</c>, one of <paramref name="names"/>, or a value
    /// that holds one of the caller's credential <paramref name="values"/>). The configured credential is added again
    /// when the page is requested; an echoed one is never kept.
    /// </summary>
    public static Uri StripSecrets(Uri uri, IReadOnlyCollection<string> names, IReadOnlyCollection<string>? values = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(names);
        if (!uri.IsAbsoluteUri) return uri;
        return Strip(uri, true, (name, value) => IsSecretName(name) || IsExtra(name, names) || SecretValues.Contains(value, values));
    }

    private static Uri Strip(Uri uri, bool query, Func<string, string, bool> drop)
    {
        var b = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
        var text = uri.Query.TrimStart('?');
        if (query && text.Length > 0)
        {
            var kept = new List<string>();
            foreach (var part in text.Split('&'))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
                var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(part[(eq + 1)..]);
                if (!drop(name, value)) kept.Add(part);
            }
            b.Query = string.Join('&', kept);
        }
        return b.Uri;
    }

    /// <summary>True when a query parameter of this name carries a secret.</summary>
    public static bool IsSecretName(string name) =>
        s_secretNames.Any(s => name.Equals(s, StringComparison.OrdinalIgnoreCase)) ||
        name.EndsWith("_key", StringComparison.OrdinalIgnoreCase) ||
        (name.EndsWith("token", StringComparison.OrdinalIgnoreCase) && !IsPagingToken(name));

    /// <summary>Paging tokens (OAI-PMH <c>resumptionToken</c>, <c>pageToken</c>, <c>continuationToken</c>) end in "token" but are not secrets.</summary>
    private static bool IsPagingToken(string name) =>
        name.Equals("resumptionToken", StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith("pageToken", StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith("page_token", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("continuationToken", StringComparison.OrdinalIgnoreCase);

    private static bool IsExtra(string name, IReadOnlyCollection<string>? names)
    {
        if (names is null) return false;
        foreach (var n in names)
        {
            if (name.Equals(n, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
