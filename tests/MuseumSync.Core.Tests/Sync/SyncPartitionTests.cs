namespace MuseumSync.Core.Tests.Sync;

public sealed class SyncPartitionTests
{
    [Theory]
    [InlineData("2/8", 2, 8)]
    [InlineData("1/1", 1, 1)]
    [InlineData(" 3 / 4 ", 3, 4)]
    public void Parse_Valid_IndexAndCount(string text, int index, int count)
    {
        var p = SyncPartition.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(index, p.Index);
        Assert.Equal(count, p.Count);
        Assert.Equal($"{index}/{count}", p.ToString());
    }

    [Theory]
    [InlineData("0/8")]
    [InlineData("9/8")]
    [InlineData("2")]
    [InlineData("a/b")]
    [InlineData("-1/2")]
    [InlineData("1/5000")]
    public void Parse_Invalid_FormatExceptionSaysTheForm(string text)
    {
        var ex = Assert.Throws<FormatException>(() => SyncPartition.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("N/M", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LeaseResource_WithPartition_NamesIt()
    {
        Assert.Equal("met", MuseumSync.Storage.Leases.LeaseResource.For("met"));
        Assert.Equal("met#2/8", MuseumSync.Storage.Leases.LeaseResource.For("met", new SyncPartition(2, 8)));
    }
}
