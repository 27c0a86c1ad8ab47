using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace MuseumSync.PowerShell.Tests;

/// <summary>A real PowerShell runspace (CreateDefault2 + an explicit runspace) with the BUILT module imported.</summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    private PowerShellSession(Runspace runspace) => _runspace = runspace;

    public List<ErrorRecord> Errors { get; } = new();

    public List<string> Verbose { get; } = new();

    public List<string> Warnings { get; } = new();

    public List<ProgressRecord> Progress { get; } = new();

    public static PowerShellSession Create(bool importModule = true)
    {
        var iss = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows()) iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Unrestricted;
        var runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        var session = new PowerShellSession(runspace);
        if (importModule)
        {
            session.Invoke("Import-Module -Name $args[0] -ErrorAction Stop", TestPaths.ModuleManifest);
        }
        return session;
    }

    /// <summary>Runs a script; a terminating error throws (RuntimeException), non-terminating ones are collected.</summary>
    public Collection<PSObject> Invoke(string script, params object[] args)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var a in args) ps.AddArgument(a);
        var output = ps.Invoke();
        Errors.AddRange(ps.Streams.Error);
        Verbose.AddRange(ps.Streams.Verbose.Select(v => v.Message));
        Warnings.AddRange(ps.Streams.Warning.Select(w => w.Message));
        Progress.AddRange(ps.Streams.Progress);
        return output;
    }

    /// <summary>Runs a script with named variables set first.</summary>
    public Collection<PSObject> Invoke(string script, IDictionary variables)
    {
        foreach (DictionaryEntry e in variables) _runspace.SessionStateProxy.SetVariable((string)e.Key, e.Value);
        return Invoke(script);
    }

    public void Dispose() => _runspace.Dispose();
}
