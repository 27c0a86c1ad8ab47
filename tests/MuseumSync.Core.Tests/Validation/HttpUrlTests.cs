using MuseumSync.Validation;

namespace MuseumSync.Core.Tests.Validation;

public sealed class HttpUrlTests
{
    private static bool UriSays(string s) => Uri.TryCreate(s, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);

    [Theory]
    [InlineData("https://media.museum.example/iiif/2/MS-0000001/full/max/0/default.jpg", true)]
    [InlineData("http://localhost:8080/a?b=c&d=%2F#frag", true)]
    [InlineData("https://iiif.museum.example/manifests/MS-1/manifest.json", true)]
    [InlineData("HTTPS://EXAMPLE.ORG/x", true)] // not plain: Uri decides, and accepts
    [InlineData("https://example.org/a b", true)] // not plain: Uri decides
    [InlineData("ftp://example.org/x", false)]
    [InlineData("/relative/path", false)]
    [InlineData("not a url", false)]
    [InlineData("https://", false)]
    [InlineData("https://exa mple.org/", false)]
    [InlineData("http://[::1]:80/", true)]
    [InlineData("http://127.0.0.1/", true)]
    [InlineData("https://xn--nxasmq6b.example/", true)]
    [InlineData("", false)]
    public void IsAbsoluteHttp_AgreesWithUri(string url, bool expected)
    {
        Assert.Equal(expected, HttpUrl.IsAbsoluteHttp(url));
        Assert.Equal(UriSays(url), HttpUrl.IsAbsoluteHttp(url));
    }

    [Theory]
    [InlineData("https://media.museum.example/iiif/2/MS-0000001/full/max/0/default.jpg")]
    [InlineData("http://a.b:65535/")]
    [InlineData("https://example.org")]
    [InlineData("https://example.org?q=1")]
    public void IsPlainHttp_CommonUrls_DecidedWithoutUri(string url) => Assert.True(HttpUrl.IsPlainHttp(url));

    [Fact]
    public void IsPlainHttp_NeverAcceptsWhatUriRejects()
    {
        // Random strings near the plain form: whatever the fast path accepts, Uri must accept too.
        var rng = new Random(20250101);
        const string alphabet = "abcxyzAZ019-._~!$&'()*+,;=:@/?#%[]\\ \t\"<>^`{|}é\u0000";
        string[] prefixes = ["http://", "https://", "https://a", "http://a.b", "https://x-y.example", "https://1.2.3.4", "http://a.b:", "https://ex.org/", "HTTP://", "http:/"];
        var accepted = 0;
        for (var n = 0; n < 50_000; n++)
        {
            var chars = new char[rng.Next(0, 24)];
            for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[rng.Next(alphabet.Length)];
            var s = prefixes[rng.Next(prefixes.Length)] + new string(chars);
            if (!HttpUrl.IsPlainHttp(s)) continue;
            accepted++;
            Assert.True(UriSays(s), $"the plain form accepted '{s}' but Uri rejects it");
        }
        Assert.True(accepted > 1_000, $"only {accepted} strings took the fast path; the test no longer probes it");
    }
}
