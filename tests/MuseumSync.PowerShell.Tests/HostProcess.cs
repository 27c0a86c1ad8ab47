using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Runs MuseumSync.Host (the built console host) as a child process.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private HostProcess(Process process) => _process = process;

    public static string HostPath { get; } = Metadata("MuseumSyncHostPath");

    public static string Metadata(string key) =>
        typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static HostProcess StartCommand(string command, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(HostPath);
        psi.ArgumentList.Add("--module");
        psi.ArgumentList.Add(TestPaths.ModuleManifest);
        psi.ArgumentList.Add("-Command");
        psi.ArgumentList.Add(command);
        if (environment is not null)
        {
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        }
        var p = new Process { StartInfo = psi };
        var host = new HostProcess(p);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (host._stdout) host._stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (host._stderr) host._stderr.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return host;
    }

    public bool HasExited => _process.HasExited;

    public string StdOut { get { lock (_stdout) return _stdout.ToString(); } }

    public string StdErr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>SIGKILL on Unix (TerminateProcess on Windows): no cleanup code runs.</summary>
    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"The host did not finish within {timeout}.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public static (int ExitCode, string StdOut, string StdErr) Run(string command, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        using var h = StartCommand(command, environment);
        var code = h.WaitForExit(timeout);
        return (code, h.StdOut, h.StdErr);
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
