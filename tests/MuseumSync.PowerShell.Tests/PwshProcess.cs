using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Runs real pwsh (the PowerShell package of the local tool in .config/dotnet-tools.json, restored by this project's
/// PackageDownload) as a child process: <c>dotnet pwsh.dll -NoProfile -NonInteractive …</c>. The child is the pwsh
/// process itself (no launcher in between), so <see cref="Kill"/> kills the process that runs the sync.
/// </summary>
internal sealed class PwshProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string? _scriptFile;

    private PwshProcess(Process process, string? scriptFile)
    {
        _process = process;
        _scriptFile = scriptFile;
    }

    /// <summary>pwsh.dll of the pinned PowerShell package in the NuGet package folder.</summary>
    public static string PwshPath { get; } = FindPwsh();

    public static string Metadata(string key) =>
        typeof(PwshProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>
    /// <c>pwsh -Command</c> with the built module imported first (or <paramref name="module"/>, or none when it is
    /// empty). The exit code is pwsh's for -Command: 1 when the last statement failed, N for <c>exit N</c>.
    /// </summary>
    public static PwshProcess StartCommand(string command, string? module = null, IDictionary<string, string>? environment = null) =>
        Start(["-Command", ImportLine(module) + command], environment, scriptFile: null);

    /// <summary>
    /// <paramref name="script"/> saved as a .ps1 file (built module imported first) and run with <c>pwsh -File</c>, as
    /// a scheduled task runs a script: the exit code is 0 unless the script says <c>exit N</c> or a terminating error
    /// escapes it (then 1).
    /// </summary>
    public static PwshProcess StartScript(string script, IDictionary<string, string>? environment = null)
    {
        var file = Path.Combine(TestPaths.TempDirectory(), "script.ps1");
        File.WriteAllText(file, ImportLine(null) + Environment.NewLine + script, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        return Start(["-File", file], environment, file);
    }

    /// <summary><c>pwsh -File <paramref name="scriptPath"/> <paramref name="arguments"/></c>, nothing imported first.</summary>
    public static PwshProcess StartFile(string scriptPath, params string[] arguments) =>
        Start(["-File", scriptPath, .. arguments], environment: null, scriptFile: null);

    public static (int ExitCode, string StdOut, string StdErr) Run(PwshProcess started, TimeSpan timeout)
    {
        using (started)
        {
            var code = started.WaitForExit(timeout);
            return (code, started.StdOut, started.StdErr);
        }
    }

    public bool HasExited => _process.HasExited;

    public string StdOut { get { lock (_stdout) return _stdout.ToString(); } }

    /// <summary>
    /// From the script's first line <c>began &lt;round-trip UTC time&gt;</c> (which the script writes) to the process's exit:
    /// the script's own run time, without pwsh's start-up.
    /// </summary>
    public TimeSpan RunTime
    {
        get
        {
            var began = System.Text.RegularExpressions.Regex.Match(StdOut, @"^began (\S+)", System.Text.RegularExpressions.RegexOptions.Multiline);
            if (!began.Success) throw new InvalidOperationException($"The script did not write its 'began <time>' line.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
            var start = DateTime.Parse(began.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
            return _process.ExitTime.ToUniversalTime() - start;
        }
    }

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
            throw new TimeoutException($"pwsh did not finish within {timeout}.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        if (_scriptFile is not null) File.Delete(_scriptFile);
    }

    private static string ImportLine(string? module) => module switch
    {
        null => $"Import-Module -Name '{Quote(TestPaths.ModuleManifest)}' -ErrorAction Stop; ",
        "" => string.Empty,
        _ => $"Import-Module -Name '{Quote(module)}' -ErrorAction Stop; ",
    };

    private static string Quote(string s) => s.Replace("'", "''", StringComparison.Ordinal);

    private static PwshProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment, string? scriptFile)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[PwshPath, "-NoProfile", "-NonInteractive", .. arguments]) psi.ArgumentList.Add(a);
        // Plain text (no ANSI colours in redirected output), no telemetry or update check from a test machine.
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        if (environment is not null)
        {
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        }
        var p = new Process { StartInfo = psi };
        var pwsh = new PwshProcess(p, scriptFile);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (pwsh._stdout) pwsh._stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (pwsh._stderr) pwsh._stderr.AppendLine(e.Data); };
        p.Start();
        p.StandardInput.Close(); // a scheduled task has no console input either
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return pwsh;
    }

    private static string FindPwsh()
    {
        var version = Metadata("PwshToolVersion");
        var packages = Metadata("NuGetPackageRoot");
        var path = Path.Combine(packages, "powershell", version, "tools", "net10.0", "any", OperatingSystem.IsWindows() ? "win" : "unix", "pwsh.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"pwsh {version} is not in the NuGet package folder ({path} is missing). The test project downloads it on restore " +
                "(PackageDownload PowerShell): run `dotnet restore tests/MuseumSync.PowerShell.Tests`, or `dotnet tool restore`.", path);
        }
        return path;
    }
}
