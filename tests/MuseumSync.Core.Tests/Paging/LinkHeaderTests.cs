using MuseumSync.Paging;

namespace MuseumSync.Core.Tests.Paging;

public class LinkHeaderTests
{
    private static readonly Uri s_base = new("https://api.example.org/v1/objects?cursor=abc&limit=10");

    [Fact]
    public void FindRel_NextAmongSeveralLinks_ReturnsNext()
    {
        var header = "<https://api.example.org/v1/objects?page=1>; rel=\"first\", <https://api.example.org/v1/objects?page=3>; rel=\"next\", <https://api.example.org/v1/objects?page=9>; rel=\"last\"";
        Assert.Equal(new Uri("https://api.example.org/v1/objects?page=3"), LinkHeader.FindRel([header], "next", s_base));
    }

    [Fact]
    public void FindRel_SeveralHeaderValues_SearchesAll()
    {
        string[] values = ["<https://api.example.org/a>; rel=\"prev\"", "<https://api.example.org/b>; rel=\"next\""];
        Assert.Equal(new Uri("https://api.example.org/b"), LinkHeader.FindRel(values, "next", s_base));
    }

    [Theory]
    [InlineData("<https://x.example/n>; rel=\"next last\"")]
    [InlineData("<https://x.example/n>; rel=\"last next\"")]
    [InlineData("<https://x.example/n>; rel=next")]
    [InlineData("<https://x.example/n>; REL=\"NEXT\"")]
    [InlineData("<https://x.example/n> ; type=\"application/x-ndjson\" ; rel = \"next\"")]
    public void FindRel_RelWithSeveralValuesOrOddSpacing_Found(string header)
    {
        Assert.Equal(new Uri("https://x.example/n"), LinkHeader.FindRel([header], "next", s_base));
    }

    [Fact]
    public void FindRel_RelativeTarget_ResolvedAgainstBase()
    {
        Assert.Equal(new Uri("https://api.example.org/v1/objects?cursor=def&limit=10"),
            LinkHeader.FindRel(["<?cursor=def&limit=10>; rel=\"next\""], "next", s_base));
        Assert.Equal(new Uri("https://api.example.org/v2/objects?cursor=def"),
            LinkHeader.FindRel(["</v2/objects?cursor=def>; rel=\"next\""], "next", s_base));
        Assert.Equal(new Uri("https://api.example.org/v1/page2"),
            LinkHeader.FindRel(["<page2>; rel=\"next\""], "next", s_base));
    }

    [Fact]
    public void FindRel_CommaInsideQuotedParameter_DoesNotSplitTheLink()
    {
        var header = "<https://x.example/prev>; title=\"previous, older\"; rel=\"prev\", <https://x.example/next>; title=\"next, newer\"; rel=\"next\"";
        Assert.Equal(new Uri("https://x.example/next"), LinkHeader.FindRel([header], "next", s_base));
    }

    [Fact]
    public void FindRel_CommaInsideTarget_KeptInTheUrl()
    {
        var header = "<https://x.example/o?ids=1,2,3>; rel=\"next\"";
        Assert.Equal("https://x.example/o?ids=1,2,3", LinkHeader.FindRel([header], "next", s_base)!.OriginalString);
    }

    [Theory]
    [InlineData("<https://x.example/p>; rel=\"prev\", <https://x.example/l>; rel=\"last\"")]
    [InlineData("<https://x.example/p>; rel=\"nextpage\"")]
    [InlineData("<https://x.example/p>; title=\"next\"")]
    [InlineData("")]
    [InlineData("garbage without brackets; rel=next")]
    [InlineData("<https://x.example/unterminated; rel=\"next\"")]
    public void FindRel_NoNext_ReturnsNull(string header)
    {
        Assert.Null(LinkHeader.FindRel([header], "next", s_base));
    }

    [Fact]
    public void FindRel_NoHeaders_ReturnsNull()
    {
        Assert.Null(LinkHeader.FindRel([], "next", s_base));
    }

    [Fact]
    public void FindRel_SemicolonInsideQuotedTitle_NotTakenAsRel()
    {
        var header = "<https://x.example/prev>; title=\"see;rel=next\"; rel=\"prev\", <https://x.example/next>; rel=\"next\"";
        Assert.Equal(new Uri("https://x.example/next"), LinkHeader.FindRel([header], "next", s_base));
    }
}
