using System.Text.RegularExpressions;

namespace MuseumSync.Iiif;

/// <summary>
/// Recognizes IIIF Image API URLs — <c>{base}/{region}/{size}/{rotation}/{quality}.{format}</c> or <c>{base}/info.json</c> —
/// and gives the image service they belong to, so a manifest can point viewers at the service (deep zoom) and not
/// only at one rendition.
/// </summary>
internal static partial class IiifImageApiUrl
{
    /// <summary>Parses <paramref name="url"/>; <paramref name="serviceId"/> is <c>{scheme}://{server}{/prefix}/{identifier}</c>.</summary>
    /// <param name="url">The media URL.</param>
    /// <param name="serviceId">The image service's id.</param>
    /// <param name="version">3 or 2: from <c>/iiif/3/</c> or <c>/iiif/2/</c> in the path, else from the size syntax (<c>max</c> is 3.0, <c>full</c> is 2.x); 3 when nothing tells.</param>
    public static bool TryParse(string? url, out string serviceId, out int version)
    {
        serviceId = string.Empty;
        version = 3;
        if (url is null || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps)) return false;
        var path = u.GetLeftPart(UriPartial.Path);
        var info = InfoJson().Match(path);
        var m = info.Success ? info : Rendition().Match(path);
        if (!m.Success) return false;
        serviceId = m.Groups["base"].Value;
        if (serviceId.Count(c => c == '/') < 3) return false; // scheme://server/identifier at least
        var size = m.Groups["size"].Success ? m.Groups["size"].Value : string.Empty;
        version = serviceId.Contains("/iiif/2/", StringComparison.OrdinalIgnoreCase) || size == "full" ? 2
            : serviceId.Contains("/iiif/3/", StringComparison.OrdinalIgnoreCase) || size == "max" ? 3
            : 3;
        return true;
    }

    [GeneratedRegex(@"^(?<base>https?://.+)/(?<region>full|square|\d+,\d+,\d+,\d+|pct:[\d.]+,[\d.]+,[\d.]+,[\d.]+)/(?<size>\^?(max|full|!?\d*,\d*|pct:[\d.]+))/(?<rotation>!?\d+(\.\d+)?)/(?<quality>default|color|colour|gray|grey|bitonal|native)\.(?<format>jpg|jpeg|tif|tiff|png|gif|jp2|pdf|webp)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Rendition();

    [GeneratedRegex(@"^(?<base>https?://.+)/info\.json$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex InfoJson();
}
