using MuseumSync.Http;

namespace MuseumSync.Core.Tests.Http;

public class OriginPolicyTests
{
    [Theory]
    [InlineData("https://api.example.org/objects", "https://API.Example.org:443/other?x=1", true)]
    [InlineData("http://api.example.org/objects", "http://api.example.org:80/", true)]
    [InlineData("https://api.example.org/objects", "http://api.example.org/objects", false)]
    [InlineData("https://api.example.org/objects", "https://api.example.org:8443/objects", false)]
    [InlineData("https://api.example.org/objects", "https://api.example.org.evil.test/objects", false)]
    [InlineData("https://api.example.org/objects", "https://images.example.org/objects", false)]
    public void Allows_SchemeHostAndPortDecide(string endpoint, string target, bool allowed)
    {
        Assert.Equal(allowed, new OriginPolicy(new Uri(endpoint)).Allows(new Uri(target)));
    }

    [Fact]
    public void Allows_AfterAnAllowedUrl_OtherOriginsAreStillDecidedByTheirOwn()
    {
        // The policy remembers the last allowed URL (a check per page); what differs in scheme, host or port is refused all the same.
        var policy = new OriginPolicy(new Uri("https://api.example.org/objects"), allowed: [new Uri("https://images.example.org")]);

        Assert.True(policy.Allows(new Uri("https://api.example.org/objects?page=2")));
        Assert.False(policy.Allows(new Uri("http://api.example.org/objects?page=3")));
        Assert.False(policy.Allows(new Uri("https://api.example.org:8443/objects?page=3")));
        Assert.False(policy.Allows(new Uri("https://api.example.org.evil.test/objects?page=3")));
        Assert.False(policy.Allows(new Uri("/objects?page=3", UriKind.Relative)));
        Assert.True(policy.Allows(new Uri("https://API.example.org:443/objects?page=3")));
        Assert.True(policy.Allows(new Uri("https://images.example.org/a.jpg")));
        Assert.False(policy.Allows(new Uri("https://images.example.org:444/a.jpg")));
        Assert.True(policy.Allows(new Uri("https://user:pw@api.example.org/objects?page=4")));
        Assert.False(policy.Allows(new Uri("https://evil.test/objects?page=5")));
    }

    [Fact]
    public void Allows_ItemUriAndAllowListCount()
    {
        var policy = new OriginPolicy(new Uri("https://api.example.org/ids"), "https://items.example.org/objects/{id}", [new Uri("https://images.example.org")]);

        Assert.True(policy.Allows(new Uri("https://items.example.org/objects/7")));
        Assert.True(policy.Allows(new Uri("https://images.example.org/a.jpg")));
        Assert.False(policy.Allows(new Uri("https://other.example.org/")));
    }

    [Fact]
    public void Check_ForeignOrigin_NamedErrorSaysWhereAndHowToAllow()
    {
        var policy = new OriginPolicy(new Uri("https://api.example.org/objects"));

        var ex = Assert.Throws<MuseumPollException>(() =>
            policy.Check(new Uri("https://evil.test/steal?access_token=s3cr3t-value"), "The next link of https://api.example.org/objects", "museum"));

        Assert.Equal(OriginPolicy.ErrorId, ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Contains("https://evil.test:443", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https://api.example.org:443", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-AllowedOrigin https://evil.test", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", ex.Message + ex.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://images.example.org/path")]
    [InlineData("https://images.example.org/?q=1")]
    [InlineData("ftp://images.example.org")]
    [InlineData("https://user:pw@images.example.org")]
    public void Validate_NotAnOrigin_Refused(string value)
    {
        Assert.Throws<ArgumentException>(() => OriginPolicy.Validate(new Uri(value), "AllowedOrigins"));
    }

    [Fact]
    public void StripSecrets_SecretNamesAndCredentialValuesGoPagingStays()
    {
        var stripped = UrlMasker.StripSecrets(
            new Uri("https://api.example.org/o?cursor=c2&access_token=AAA&sig=BBB&session=k3y-of-the-museum&pageToken=p9&limit=10"),
            ["api_key"], ["k3y-of-the-museum"]);

        Assert.Equal("https://api.example.org/o?cursor=c2&pageToken=p9&limit=10", stripped.AbsoluteUri);
    }
}
