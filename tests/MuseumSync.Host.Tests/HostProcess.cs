using System.Diagnostics;
using System.Text;

namespace MuseumSync.Host.Tests;

/// <summary>The result of one run of the host.</summary>
public sealed record HostResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() =>
        $"exit {ExitCode}{Environment.NewLine}--- stdout ---{Environment.NewLine}{StandardOutput}--- stderr ---{Environment.NewLine}{StandardError}";
}

/// <summary>Starts the built MuseumSync.Host as a child process (<c>dotnet MuseumSync.Host.dll ...</c>).</summary>
public static class HostProcess
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string HostAssemblyPath => typeof(HostArguments).Assembly.Location;

    public static Process Start(string workingDirectory, IEnumerable<string> arguments, Action<string>? onOutputLine, StringBuilder output, StringBuilder error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var info = new ProcessStartInfo(DotnetPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(HostAssemblyPath);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("MUSEUMSYNC_MODULE_PATH");
        info.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            onOutputLine?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (error)
                {
                    error.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task<HostResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        using Process process = Start(workingDirectory, arguments, null, output, error);
        return await WaitAsync(process, output, error).ConfigureAwait(false);
    }

    public static async Task<HostResult> WaitAsync(Process process, StringBuilder output, StringBuilder error)
    {
        ArgumentNullException.ThrowIfNull(process);
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"MuseumSync.Host did not finish within {Timeout.TotalSeconds} s; killed it. Output so far:{Environment.NewLine}{output}{error}");
        }

        // WaitForExitAsync also waits for the redirected streams to reach end of file.
        lock (output)
        {
            lock (error)
            {
                return new HostResult(process.ExitCode, output.ToString(), error.ToString());
            }
        }
    }

    private static string DotnetPath =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path)
            ? path
            : "dotnet";
}
