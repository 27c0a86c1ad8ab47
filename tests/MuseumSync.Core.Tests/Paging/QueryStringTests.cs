using MuseumSync.Paging;

namespace MuseumSync.Core.Tests.Paging;

public class QueryStringTests
{
    [Fact]
    public void With_NoQuery_AddsParameters()
    {
        var u = QueryString.With(new Uri("https://api.example.org/objects"), ("cursor", "abc"), ("limit", "50"));
        Assert.Equal("https://api.example.org/objects?cursor=abc&limit=50", u.AbsoluteUri);
    }

    [Fact]
    public void With_OtherParameters_KeptInOrder()
    {
        var u = QueryString.With(new Uri("https://api.example.org/objects?dept=3&q=seal%20ring"), ("cursor", "abc"), ("limit", "50"));
        Assert.Equal("https://api.example.org/objects?dept=3&q=seal%20ring&cursor=abc&limit=50", u.AbsoluteUri);
    }

    [Fact]
    public void With_ExistingCursorAndLimit_Replaced()
    {
        var u = QueryString.With(new Uri("https://api.example.org/objects?cursor=old&dept=3&limit=10"), ("cursor", "new"), ("limit", "50"));
        Assert.Equal("https://api.example.org/objects?dept=3&cursor=new&limit=50", u.AbsoluteUri);
        Assert.DoesNotContain("old", u.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain("limit=10", u.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void With_NullValue_RemovesTheParameter()
    {
        var u = QueryString.With(new Uri("https://api.example.org/objects?cursor=old&dept=3"), ("cursor", null), ("limit", "5"));
        Assert.Equal("https://api.example.org/objects?dept=3&limit=5", u.AbsoluteUri);
    }

    [Fact]
    public void With_ReservedCharactersInValue_Escaped()
    {
        var u = QueryString.With(new Uri("https://api.example.org/objects"), ("cursor", "a+b/c=&d"));
        Assert.Equal("https://api.example.org/objects?cursor=a%2Bb%2Fc%3D%26d", u.AbsoluteUri);
    }

    [Fact]
    public void With_PortPathAndFragment_Kept()
    {
        var u = QueryString.With(new Uri("http://127.0.0.1:5123/v1/objects?x=1#top"), ("cursor", "c1"));
        Assert.Equal("http://127.0.0.1:5123/v1/objects?x=1&cursor=c1#top", u.AbsoluteUri);
    }
}
