using Microsoft.Extensions.Time.Testing;
using MuseumSync.Metrics;

namespace MuseumSync.Core.Tests.Metrics;

public sealed class MetricsFileWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("museumsync-metrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Writer_EveryInterval_RewritesTheFileAtomicallyAndOnDispose()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));
        var metrics = new SyncMetrics("demo");
        var path = Path.Combine(_dir, "museumsync.prom");
        var writer = new MetricsFileWriter(path, () => [metrics], TimeSpan.FromSeconds(15), time);

        Assert.False(File.Exists(path));
        metrics.AddFetched(5);
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(1, writer.Writes);
        Assert.Contains("museumsync_records_fetched_total{source=\"demo\"} 5\n", await File.ReadAllTextAsync(path), StringComparison.Ordinal);

        metrics.AddFetched(5);
        await writer.DisposeAsync();
        Assert.Equal(2, writer.Writes);
        Assert.Contains("museumsync_records_fetched_total{source=\"demo\"} 10\n", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_dir)); // no temporary file left behind
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, writer.Writes); // the timer stopped
    }

    [Fact]
    public void Writer_MissingFolder_SaysWhichFolderAndWhatToDo()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => new MetricsFileWriter(Path.Combine(_dir, "nope", "m.prom"), () => [], TimeSpan.Zero));
        Assert.Contains("-MetricsPath", ex.Message, StringComparison.Ordinal);
    }
}
