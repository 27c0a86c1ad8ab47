using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace MuseumSync.SampleApi;

/// <summary>
/// Console entry point:
/// <c>dotnet run --project examples/SampleApi -- [--port N] [--records N] [--seed N] [--page-latency-ms N] [--parent-pid N]</c>.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: MuseumSync.SampleApi [--port N] [--records N] [--seed N] [--page-latency-ms N] [--parent-pid N]\n" +
        "  --port N             TCP port on 127.0.0.1 (default 5080; 0 = pick a free port)\n" +
        "  --records N          feed lines, valid + invalid + duplicate (default 500)\n" +
        "  --seed N             generator seed (default 42)\n" +
        "  --page-latency-ms N  delay before each data page (default 0)\n" +
        "  --parent-pid N       exit when this process exits";

    private static readonly TimeSpan ParentPollInterval = TimeSpan.FromMilliseconds(500);

    private static async Task<int> Main(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help" or "-?"))
        {
            Console.Out.WriteLine(Usage);
            return 0;
        }

        if (!TryParseArguments(args, out var options, out var parentPid, out var error))
        {
            await Console.Error.WriteLineAsync($"error: {error}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        Process? parent = null;
        if (parentPid is { } pid)
        {
            try
            {
                parent = Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                await Console.Error.WriteLineAsync($"error: --parent-pid {pid}: no such process is running.").ConfigureAwait(false);
                return 2;
            }
        }

        using var shutdown = new CancellationTokenSource();
        void RequestShutdown(PosixSignalContext context)
        {
            context.Cancel = true;
            shutdown.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestShutdown);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestShutdown);

        SampleMuseumApi api;
        try
        {
            api = await SampleMuseumApi.StartAsync(options, shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: could not listen on 127.0.0.1:{options.Port}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        await using (api.ConfigureAwait(false))
        {
            Console.Out.WriteLine($"MuseumSync sample API listening on {api.BaseAddress}");
            Console.Out.Flush();

            while (!shutdown.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(ParentPollInterval, shutdown.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                if (parent is not null && HasExited(parent))
                {
                    break;
                }
            }
        }

        parent?.Dispose();
        return 0;
    }

    private static bool HasExited(Process process)
    {
        try
        {
            process.Refresh();
            return process.HasExited;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return true;
        }
    }

    private static bool TryParseArguments(string[] args, out SampleApiOptions options, out int? parentPid, out string error)
    {
        options = new SampleApiOptions { Port = 5080, RecordCount = 500 };
        parentPid = null;
        error = string.Empty;

        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name is not ("--port" or "--records" or "--seed" or "--page-latency-ms" or "--parent-pid"))
            {
                error = $"unknown argument '{args[i]}'.";
                return false;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{name} needs a value.";
                    return false;
                }

                value = args[++i];
            }

            if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                error = $"{name} must be an integer, got '{value}'.";
                return false;
            }

            switch (name)
            {
                case "--port" when number is < 0 or > 65535:
                    error = $"--port must be between 0 and 65535, got {number}.";
                    return false;
                case "--port":
                    options.Port = number;
                    break;
                case "--records" when number < 0:
                    error = $"--records must be 0 or more, got {number}.";
                    return false;
                case "--records":
                    options.RecordCount = number;
                    break;
                case "--seed":
                    options.Seed = number;
                    break;
                case "--page-latency-ms" when number < 0:
                    error = $"--page-latency-ms must be 0 or more, got {number}.";
                    return false;
                case "--page-latency-ms":
                    options.PageLatency = TimeSpan.FromMilliseconds(number);
                    break;
                case "--parent-pid" when number <= 0:
                    error = $"--parent-pid must be a positive process id, got {number}.";
                    return false;
                default:
                    parentPid = number;
                    break;
            }
        }

        return true;
    }
}
