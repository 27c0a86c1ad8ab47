namespace MuseumSync.Metrics;

/// <summary>
/// Writes the metrics file atomically (a temporary file in the same folder, then a rename over the old one), at the
/// end of a run and every <c>interval</c> during it, so a textfile collector never reads a half-written file.
/// </summary>
internal sealed class MetricsFileWriter : IAsyncDisposable
{
    private readonly string _path;
    private readonly Func<IEnumerable<SyncMetrics>> _metrics;
    private readonly TimeProvider _time;
    private readonly ITimer? _timer;
    private readonly object _gate = new();

    /// <summary>Starts writing <paramref name="path"/> every <paramref name="interval"/> (none when zero).</summary>
    public MetricsFileWriter(string path, Func<IEnumerable<SyncMetrics>> metrics, TimeSpan interval, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _time = time ?? TimeProvider.System;
        var dir = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"The folder of the metrics file '{_path}' does not exist; create it or point -MetricsPath at the textfile collector's folder.");
        }
        if (interval > TimeSpan.Zero) _timer = _time.CreateTimer(_ => TryWrite(), null, interval, interval);
    }

    /// <summary>The full path written.</summary>
    public string FilePath => _path;

    /// <summary>How many times the file was written.</summary>
    public int Writes { get; private set; }

    /// <summary>The last write error, if any (a metrics failure never fails a sync).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Writes the file now.</summary>
    public void Write()
    {
        lock (_gate)
        {
            var text = PrometheusTextFormatter.Format(_metrics(), _time.GetUtcNow());
            var tmp = _path + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllText(tmp, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(tmp, _path, overwrite: true);
            Writes++;
        }
    }

    private void TryWrite()
    {
        try
        {
            Write();
        }
        catch (IOException ex)
        {
            LastError = ex;
        }
        catch (UnauthorizedAccessException ex)
        {
            LastError = ex;
        }
    }

    /// <summary>Stops the timer and writes the final file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_timer is not null) await _timer.DisposeAsync().ConfigureAwait(false);
        Write();
    }
}
