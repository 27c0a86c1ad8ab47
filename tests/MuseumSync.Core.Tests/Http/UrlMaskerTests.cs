using MuseumSync.Http;

namespace MuseumSync.Core.Tests.Http;

public class UrlMaskerTests
{
    [Theory]
    [InlineData("api_key")]
    [InlineData("token")]
    [InlineData("access_token")]
    [InlineData("signature")]
    [InlineData("apikey")]
    [InlineData("API_KEY")]
    [InlineData("client_secret")]
    [InlineData("sig")]
    public void Mask_SecretParameter_ValueMasked(string name)
    {
        var masked = UrlMasker.Mask(new Uri($"https://api.example.org/objects?cursor=c1&{name}=s3cr3t&limit=10"));
        Assert.Equal($"https://api.example.org/objects?cursor=c1&{name}=***&limit=10", masked);
        Assert.DoesNotContain("s3cr3t", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_SeveralSecrets_AllMaskedOthersUntouched()
    {
        var masked = UrlMasker.Mask(new Uri("https://api.example.org/o?q=seal%20ring&api_key=AAA&dept=3&access_token=BBB&signature=CCC&token=DDD"));
        Assert.Equal("https://api.example.org/o?q=seal%20ring&api_key=***&dept=3&access_token=***&signature=***&token=***", masked);
    }

    [Fact]
    public void Mask_UserInfo_Masked()
    {
        var masked = UrlMasker.Mask(new Uri("https://alice:hunter2@api.example.org/objects?cursor=c1"));
        Assert.DoesNotContain("alice", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", masked, StringComparison.Ordinal);
        Assert.Equal("https://***@api.example.org/objects?cursor=c1", masked);
    }

    [Fact]
    public void Mask_NoSecrets_Unchanged()
    {
        const string url = "http://127.0.0.1:5000/v1/objects?cursor=abc%2Bdef&limit=500&keyword=seal&monkey=1#frag";
        Assert.Equal(url, UrlMasker.Mask(new Uri(url)));
    }

    [Fact]
    public void Mask_EscapedSecretName_StillMasked()
    {
        var masked = UrlMasker.Mask(new Uri("https://x.example/?api%5Fkey=zzz"));
        Assert.EndsWith("key=***", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("zzz", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_NullOrRelative_ReturnedAsIs()
    {
        Assert.Equal(string.Empty, UrlMasker.Mask(null));
        Assert.Equal("objects?cursor=1", UrlMasker.Mask(new Uri("objects?cursor=1", UriKind.Relative)));
    }

    [Theory]
    [InlineData("api_key", true)]
    [InlineData("x_api_key", true)]
    [InlineData("refresh_token", true)]
    [InlineData("cursor", false)]
    [InlineData("limit", false)]
    [InlineData("keyword", false)]
    public void IsSecretName_Name_Classified(string name, bool secret)
    {
        Assert.Equal(secret, UrlMasker.IsSecretName(name));
    }
}
