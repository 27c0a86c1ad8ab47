using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace MuseumSync.Host;

/// <summary>
/// Runs one script (a file or <c>-Command</c> text) in a fresh runspace hosted by
/// <see cref="MuseumSyncHost"/>, after importing the module, and works out the exit code.
/// </summary>
internal sealed class ScriptRunner
{
    private readonly HostUserInterface _ui;
    private readonly Lock _sync = new();
    private PowerShell? _current;
    private volatile bool _stopRequested;

    /// <summary>Initializes a new instance of the <see cref="ScriptRunner"/> class.</summary>
    /// <param name="ui">The UI that output and errors go to.</param>
    public ScriptRunner(HostUserInterface ui)
    {
        _ui = ui ?? throw new ArgumentNullException(nameof(ui));
    }

    /// <summary>Gets a value indicating whether <see cref="RequestStop"/> was called.</summary>
    public bool StopRequested => _stopRequested;

    /// <summary>
    /// Asks the running pipeline to stop (cmdlets get StopProcessing). Safe to call from any thread.
    /// </summary>
    public void RequestStop()
    {
        _stopRequested = true;
        PowerShell? running;
        lock (_sync)
        {
            running = _current;
        }

        try
        {
            running?.BeginStop(null, null);
        }
        catch (ObjectDisposedException)
        {
            // The invocation has just finished.
        }
        catch (InvalidOperationException)
        {
            // Not running (any more).
        }
    }

    /// <summary>Imports the module, runs the script and returns the process exit code.</summary>
    /// <param name="arguments">The parsed command line.</param>
    /// <param name="modulePath">The module to import.</param>
    /// <returns>The exit code.</returns>
    public int Run(HostArguments arguments, string modulePath)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentException.ThrowIfNullOrEmpty(modulePath);

        string? scriptPath = null;
        if (arguments.ScriptPath is not null)
        {
            scriptPath = Path.GetFullPath(arguments.ScriptPath);
            if (!File.Exists(scriptPath))
            {
                _ui.WriteErrorLine($"MuseumSync.Host: the script file '{scriptPath}' does not exist.");
                return ExitCodes.Failure;
            }
        }

        var host = new MuseumSyncHost(_ui);
        InitialSessionState iss = InitialSessionState.CreateDefault2();

        // Lets scripts run on Windows whatever the machine policy is. Elsewhere there are no
        // execution policies, and setting one throws PlatformNotSupportedException on Open().
        if (OperatingSystem.IsWindows())
        {
            iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        using Runspace runspace = RunspaceFactory.CreateRunspace(host, iss);
        runspace.Open();
        DefineMissingWriteCommands(runspace);

        if (!ImportModule(runspace, modulePath, out int importExitCode))
        {
            return importExitCode;
        }

        if (_stopRequested)
        {
            return ExitCodes.Stopped;
        }

        using PowerShell ps = CreatePowerShell(runspace);
        if (scriptPath is not null)
        {
            ps.AddCommand(scriptPath);
        }
        else
        {
            ps.AddScript(arguments.CommandText ?? string.Empty);
        }

        foreach (ScriptArgument argument in arguments.ScriptArguments)
        {
            if (argument.Name is null)
            {
                ps.AddArgument(argument.Value);
            }
            else if (argument.Value is true)
            {
                // A bare -Name: a switch parameter that is present.
                ps.AddParameter(argument.Name);
            }
            else
            {
                ps.AddParameter(argument.Name, argument.Value);
            }
        }

        // Format the output with the format.ps1xml views, as pwsh does.
        ps.AddCommand("Out-Default");

        if (!Invoke(ps))
        {
            return _stopRequested ? ExitCodes.Stopped : ExitCodes.Failure;
        }

        if (_stopRequested)
        {
            return ExitCodes.Stopped;
        }

        if (host.ShouldExit)
        {
            return host.ExitCode;
        }

        object? lastExitCode = runspace.SessionStateProxy.GetVariable("LASTEXITCODE");
        return lastExitCode is int code ? code : ExitCodes.Success;
    }

    private static void DefineMissingWriteCommands(Runspace runspace)
    {
        using PowerShell probe = PowerShell.Create();
        probe.Runspace = runspace;
        probe.AddCommand("Get-Command")
            .AddParameter("Name", FallbackCommands.Definitions.Keys.ToArray())
            .AddParameter("CommandType", CommandTypes.Cmdlet)
            .AddParameter("ErrorAction", ActionPreference.Ignore);
        var present = new HashSet<string>(
            probe.Invoke<CommandInfo>().Select(c => c.Name),
            StringComparer.OrdinalIgnoreCase);
        string[] missing = FallbackCommands.Definitions.Keys.Where(name => !present.Contains(name)).ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        using PowerShell define = PowerShell.Create();
        define.Runspace = runspace;
        define.AddScript(FallbackCommands.BuildDefinitionScript(missing));
        define.Invoke();
    }

    private bool ImportModule(Runspace runspace, string modulePath, out int exitCode)
    {
        exitCode = ExitCodes.Success;
        using PowerShell import = CreatePowerShell(runspace);
        import.AddCommand("Import-Module")
            .AddParameter("Name", modulePath)
            .AddParameter("ErrorAction", ActionPreference.Stop);
        if (Invoke(import))
        {
            return true;
        }

        if (_stopRequested)
        {
            exitCode = ExitCodes.Stopped;
            return false;
        }

        _ui.WriteErrorLine($"MuseumSync.Host: could not import the module '{modulePath}' (see the error above).");
        exitCode = ExitCodes.Failure;
        return false;
    }

    /// <summary>Creates a PowerShell on the runspace whose non-terminating errors are printed as they come.</summary>
    private PowerShell CreatePowerShell(Runspace runspace)
    {
        PowerShell ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.Streams.Error.DataAdded += (sender, e) =>
        {
            if (sender is PSDataCollection<ErrorRecord> errors && e.Index < errors.Count)
            {
                _ui.WriteErrorLine(ErrorRecordFormatter.Format(errors[e.Index]));
            }
        };
        return ps;
    }

    /// <summary>Invokes the pipeline; prints a terminating error and returns false if one escaped.</summary>
    private bool Invoke(PowerShell ps)
    {
        lock (_sync)
        {
            _current = ps;
        }

        try
        {
            if (_stopRequested)
            {
                return false;
            }

            ps.Invoke();
            return true;
        }
        catch (PipelineStoppedException)
        {
            return false;
        }
        catch (RuntimeException ex)
        {
            if (!_stopRequested)
            {
                _ui.WriteErrorLine(ErrorRecordFormatter.Format(ex));
            }

            return false;
        }
        finally
        {
            lock (_sync)
            {
                _current = null;
            }
        }
    }
}

/// <summary>The exit codes of the host (besides the ones a script passes to <c>exit</c>).</summary>
internal static class ExitCodes
{
    /// <summary>The script ran to the end.</summary>
    public const int Success = 0;

    /// <summary>A terminating error, a missing module or script, or a failed import.</summary>
    public const int Failure = 1;

    /// <summary>The host's own command line is invalid.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl+C or SIGTERM.</summary>
    public const int Stopped = 130;
}
