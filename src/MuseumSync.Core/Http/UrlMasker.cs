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
    public static string Mask(Uri? uri)
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
                if (IsSecretName(name)) parts[i] = parts[i][..eq] + "=***";
            }
            b.Query = string.Join('&', parts);
        }
        return b.Uri.GetComponents(UriComponents.AbsoluteUri, UriFormat.UriEscaped);
    }

    /// <summary>True when a query parameter of this name carries a secret.</summary>
    public static bool IsSecretName(string name) =>
        s_secretNames.Any(s => name.Equals(s, StringComparison.OrdinalIgnoreCase)) ||
        name.EndsWith("_key", StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith("token", StringComparison.OrdinalIgnoreCase);
}
