using System.Diagnostics;
using System.Text;

namespace MuseumSync.Ocr;

/// <summary>Runs the Tesseract executable once, with a timeout after which the whole process tree is killed.</summary>
internal static class TesseractProcess
{
    /// <summary>The most standard output or error text kept from one run (the rest is read and dropped).</summary>
    private const int MaxCapturedChars = 64 * 1024;

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError, bool TimedOut);

    public static async Task<Result> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        // One thread per process: -ThrottleLimit is the concurrency, not ThrottleLimit times Tesseract's own OpenMP threads.
        info.Environment["OMP_THREAD_LIMIT"] = "1";
        using var process = new Process { StartInfo = info };
        process.Start();
        process.StandardInput.Close();
        var stdout = ReadBoundedAsync(process.StandardOutput);
        var stderr = ReadBoundedAsync(process.StandardError);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            if (!timedOut) throw;
        }
        return new Result(timedOut ? -1 : process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), timedOut);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
        {
            if (kept.Length < MaxCapturedChars) kept.Append(buffer, 0, Math.Min(n, MaxCapturedChars - kept.Length));
        }
        return kept.ToString();
    }
}
