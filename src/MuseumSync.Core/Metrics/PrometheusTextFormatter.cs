using System.Globalization;
using System.Text;

namespace MuseumSync.Metrics;

/// <summary>
/// Writes metrics in the Prometheus text exposition format (version 0.0.4), as the node_exporter and windows_exporter
/// textfile collectors read it. The names are documented in the README and never change meaning.
/// </summary>
internal static class PrometheusTextFormatter
{
    /// <summary>Formats the metrics of every source in <paramref name="all"/>.</summary>
    public static string Format(IEnumerable<SyncMetrics> all, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(all);
        var list = all.ToList();
        var sb = new StringBuilder(4096);
        Counter(sb, "museumsync_records_fetched_total", "Records read from the source.", list, m => m.RecordsFetched);
        Counter(sb, "museumsync_records_committed_total", "Valid records committed to the store.", list, m => m.RecordsCommitted);
        Counter(sb, "museumsync_records_dead_lettered_total", "Records written to the dead-letter table.", list, m => m.RecordsDeadLettered);

        Header(sb, "museumsync_http_requests_total", "HTTP responses by status code (0: the request got no response).", "counter");
        foreach (var m in list)
        {
            foreach (var (status, count) in m.RequestsByStatus)
            {
                sb.Append("museumsync_http_requests_total{source=\"").Append(Escape(m.Source)).Append("\",status=\"")
                  .Append(status.ToString(CultureInfo.InvariantCulture)).Append("\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        Counter(sb, "museumsync_http_retries_total", "Request retries.", list, m => m.Retries);
        Counter(sb, "museumsync_throttle_waits_total", "Waits for a rate limit or a throttle to pass.", list, m => m.ThrottleWaits);
        Counter(sb, "museumsync_throttle_wait_seconds_total", "Time spent waiting for rate limits and throttles.", list, m => m.ThrottleWaitTime.TotalSeconds);
        Counter(sb, "museumsync_circuit_breaker_opens_total", "Times the circuit breaker opened.", list, m => m.CircuitBreakerOpens);

        Header(sb, "museumsync_commit_duration_seconds", "Time to commit one batch and its checkpoint.", "histogram");
        foreach (var m in list)
        {
            var h = m.CommitLatency;
            var label = "source=\"" + Escape(m.Source) + "\"";
            for (var i = 0; i < h.UpperBounds.Count; i++)
            {
                sb.Append("museumsync_commit_duration_seconds_bucket{").Append(label).Append(",le=\"").Append(Number(h.UpperBounds[i]))
                  .Append("\"} ").Append(h.CumulativeCount(i).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            sb.Append("museumsync_commit_duration_seconds_bucket{").Append(label).Append(",le=\"+Inf\"} ").Append(h.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("museumsync_commit_duration_seconds_sum{").Append(label).Append("} ").Append(Number(h.Sum)).Append('\n');
            sb.Append("museumsync_commit_duration_seconds_count{").Append(label).Append("} ").Append(h.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Gauge(sb, "museumsync_queue_depth", "Records fetched and not yet committed.", list, m => m.QueueDepth);
        Gauge(sb, "museumsync_last_success_timestamp_seconds", "Unix time of the last committed batch (0: none yet).", list,
            m => m.LastSuccess is { } t ? t.ToUnixTimeMilliseconds() / 1000d : 0);
        Header(sb, "museumsync_metrics_written_timestamp_seconds", "Unix time this file was written.", "gauge");
        sb.Append("museumsync_metrics_written_timestamp_seconds ").Append(Number(now.ToUnixTimeMilliseconds() / 1000d)).Append('\n');
        return sb.ToString();
    }

    private static void Counter(StringBuilder sb, string name, string help, List<SyncMetrics> list, Func<SyncMetrics, double> value) => Series(sb, name, help, "counter", list, value);

    private static void Gauge(StringBuilder sb, string name, string help, List<SyncMetrics> list, Func<SyncMetrics, double> value) => Series(sb, name, help, "gauge", list, value);

    private static void Series(StringBuilder sb, string name, string help, string type, List<SyncMetrics> list, Func<SyncMetrics, double> value)
    {
        Header(sb, name, help, type);
        foreach (var m in list)
        {
            sb.Append(name).Append("{source=\"").Append(Escape(m.Source)).Append("\"} ").Append(Number(value(m))).Append('\n');
        }
    }

    private static void Header(StringBuilder sb, string name, string help, string type) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Number(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : v.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Label values escape backslash, double quote and newline.</summary>
    internal static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
