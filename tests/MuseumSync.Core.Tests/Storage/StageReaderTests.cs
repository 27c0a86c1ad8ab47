using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage;

public sealed class StageReaderTests
{
    [Fact]
    public void Reader_RowsAndColumns_AsSqlBulkCopyReadsThem()
    {
        var rows = new[] { ("a", (int?)1), ("b", null) };
        using var r = new StageReader<(string Name, int? N)>(rows,
        [
            new("name", typeof(string), x => x.Name),
            new("n", typeof(int), x => x.N),
        ], CancellationToken.None);

        Assert.Equal(2, r.FieldCount);
        Assert.Equal(1, r.GetOrdinal("N"));
        Assert.True(r.Read());
        Assert.Equal("a", r.GetValue(0));
        Assert.Equal(1, r.GetInt32(1));
        Assert.True(r.Read());
        Assert.True(r.IsDBNull(1));
        Assert.Equal(DBNull.Value, r.GetValue(1));
        Assert.False(r.Read());
        Assert.Throws<ArgumentOutOfRangeException>(() => r.GetOrdinal("missing"));
    }

    [Fact]
    public void Read_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var r = new StageReader<string>(["x"], [new("v", typeof(string), x => x)], cts.Token);
        Assert.Throws<OperationCanceledException>(() => r.Read());
    }
}
