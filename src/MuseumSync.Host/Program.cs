using MuseumSync.Host;

// The hosted engine must not try to send telemetry from a machine that runs scripts unattended.
if (Environment.GetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT") is null)
{
    Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");
}

HostArguments arguments;
try
{
    arguments = HostArguments.Parse(args);
}
catch (HostArgumentException ex)
{
    Console.Error.WriteLine("MuseumSync.Host: " + ex.Message);
    Console.Error.WriteLine("Run 'MuseumSync.Host --help' for the syntax.");
    return ExitCodes.Usage;
}

if (arguments.ShowHelp)
{
    Console.Out.WriteLine(HostArguments.Usage);
    return ExitCodes.Success;
}

HostUserInterface ui = HostUserInterface.CreateForConsole();
ModuleLocation module = ModuleLocator.Locate(arguments.ModulePath);
if (!module.IsFound)
{
    ui.WriteErrorLine(module.Description);
    return ExitCodes.Failure;
}

var runner = new ScriptRunner(ui);
using var signals = new ShutdownSignals(runner.RequestStop);
try
{
    return runner.Run(arguments, module.Path!);
}
#pragma warning disable CA1031 // The host's last line of defence: report anything and fail.
catch (Exception ex)
#pragma warning restore CA1031
{
    // MUSEUMSYNC_HOST_DEBUG=1 shows the whole exception (stack trace) of a host failure.
    ui.WriteErrorLine("MuseumSync.Host: " + (Environment.GetEnvironmentVariable("MUSEUMSYNC_HOST_DEBUG") is null ? ex.Message : ex.ToString()));
    return runner.StopRequested ? ExitCodes.Stopped : ExitCodes.Failure;
}
