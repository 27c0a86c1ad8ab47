using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

public sealed class SqlServerTransientErrorsTests
{
    [Theory]
    [InlineData(1205)]   // deadlock victim
    [InlineData(-2)]     // client timeout
    [InlineData(40613)]  // Azure SQL: database not currently available
    [InlineData(40501)]  // Azure SQL: service busy
    [InlineData(49918)]
    [InlineData(10928)]
    public void Numbers_IncludeTheDocumentedTransientErrors(int number) => Assert.Contains(number, SqlServerTransientErrors.Numbers);

    [Theory]
    [InlineData(2627)]   // unique key violation: a bug, not a blip
    [InlineData(208)]    // invalid object name
    [InlineData(8152)]   // string or binary data would be truncated
    public void Numbers_ExcludePermanentErrors(int number) => Assert.DoesNotContain(number, SqlServerTransientErrors.Numbers);

    [Fact]
    public void IsTransient_TimeoutAndOtherExceptions()
    {
        Assert.True(SqlServerTransientErrors.IsTransient(new TimeoutException()));
        Assert.False(SqlServerTransientErrors.IsTransient(new InvalidOperationException()));
    }
}
