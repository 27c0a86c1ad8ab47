using System.Text;

namespace MuseumSync.Paging;

/// <summary>Sets query parameters on a URI, keeping the others as they are.</summary>
internal static class QueryString
{
    public static Uri With(Uri uri, params (string Name, string? Value)[] parameters)
    {
        var kept = new List<string>();
        var query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = Uri.UnescapeDataString(pair.Split('=')[0]);
                if (!parameters.Any(p => string.Equals(p.Name, name, StringComparison.Ordinal))) kept.Add(pair);
            }
        }
        var sb = new StringBuilder(string.Join('&', kept));
        foreach (var (name, value) in parameters)
        {
            if (value is null) continue;
            if (sb.Length > 0) sb.Append('&');
            sb.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        var b = new UriBuilder(uri) { Query = sb.ToString() };
        return b.Uri;
    }
}
