using System.Globalization;
using MuseumSync.Metrics;

namespace MuseumSync.Core.Tests.Metrics;

public sealed class PrometheusTextFormatterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, double> Samples(string text)
    {
        var d = new Dictionary<string, double>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#')) continue;
            var space = line.LastIndexOf(' ');
            d[line[..space]] = line[(space + 1)..] == "+Inf" ? double.PositiveInfinity : double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return d;
    }

    [Fact]
    public void Format_Counters_WritesOneSeriesPerSourceWithHelpAndType()
    {
        var a = new SyncMetrics("met");
        a.AddFetched(120);
        a.AddCommitted(100, 3, TimeSpan.FromMilliseconds(40), Now);
        a.AddRequest(200);
        a.AddRequest(200);
        a.AddRequest(429);
        a.AddRetry();
        a.AddThrottleWait(TimeSpan.FromSeconds(1.5));
        a.AddCircuitOpen();
        var b = new SyncMetrics("aic");

        var text = PrometheusTextFormatter.Format([a, b], Now);
        var s = Samples(text);

        Assert.Equal(120, s["museumsync_records_fetched_total{source=\"met\"}"]);
        Assert.Equal(0, s["museumsync_records_fetched_total{source=\"aic\"}"]);
        Assert.Equal(100, s["museumsync_records_committed_total{source=\"met\"}"]);
        Assert.Equal(3, s["museumsync_records_dead_lettered_total{source=\"met\"}"]);
        Assert.Equal(2, s["museumsync_http_requests_total{source=\"met\",status=\"200\"}"]);
        Assert.Equal(1, s["museumsync_http_requests_total{source=\"met\",status=\"429\"}"]);
        Assert.Equal(1, s["museumsync_http_retries_total{source=\"met\"}"]);
        Assert.Equal(1.5, s["museumsync_throttle_wait_seconds_total{source=\"met\"}"]);
        Assert.Equal(1, s["museumsync_circuit_breaker_opens_total{source=\"met\"}"]);
        Assert.Equal(17, s["museumsync_queue_depth{source=\"met\"}"]);
        Assert.Equal(Now.ToUnixTimeSeconds(), s["museumsync_last_success_timestamp_seconds{source=\"met\"}"]);
        Assert.Equal(0, s["museumsync_last_success_timestamp_seconds{source=\"aic\"}"]);
        Assert.Contains("# TYPE museumsync_records_fetched_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE museumsync_queue_depth gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE museumsync_commit_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_CommitLatency_BucketsAreCumulativeWithInfSumAndCount()
    {
        var m = new SyncMetrics("demo", [0.1, 1, 10]);
        m.AddCommitted(1, 0, TimeSpan.FromMilliseconds(50), Now);
        m.AddCommitted(1, 0, TimeSpan.FromMilliseconds(500), Now);
        m.AddCommitted(1, 0, TimeSpan.FromSeconds(20), Now);

        var s = Samples(PrometheusTextFormatter.Format([m], Now));

        Assert.Equal(1, s["museumsync_commit_duration_seconds_bucket{source=\"demo\",le=\"0.1\"}"]);
        Assert.Equal(2, s["museumsync_commit_duration_seconds_bucket{source=\"demo\",le=\"1\"}"]);
        Assert.Equal(2, s["museumsync_commit_duration_seconds_bucket{source=\"demo\",le=\"10\"}"]);
        Assert.Equal(3, s["museumsync_commit_duration_seconds_bucket{source=\"demo\",le=\"+Inf\"}"]);
        Assert.Equal(3, s["museumsync_commit_duration_seconds_count{source=\"demo\"}"]);
        Assert.Equal(20.55, s["museumsync_commit_duration_seconds_sum{source=\"demo\"}"], 3);
    }

    [Fact]
    public void Format_LabelValue_EscapesQuotesBackslashAndNewline()
    {
        var text = PrometheusTextFormatter.Format([new SyncMetrics("a\"b\\c\nd")], Now);
        Assert.Contains("{source=\"a\\\"b\\\\c\\nd\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_UnsortedBounds_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Histogram([1, 0.5]));
        Assert.Throws<ArgumentException>(() => new Histogram([]));
    }
}
