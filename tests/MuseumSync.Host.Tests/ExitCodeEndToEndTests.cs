using System.Diagnostics;
using System.Text;

namespace MuseumSync.Host.Tests;

/// <summary>End-to-end: exit codes and error reporting.</summary>
public sealed class ExitCodeEndToEndTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Run_ScriptExitsThree_ExitCodeIsThree()
    {
        string script = _workspace.WriteScript("exit3.ps1", "'before'\nexit 3\n'after'\n");

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("before", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("after", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ScriptThrows_ExitCodeOneAndMessageOnStderr()
    {
        string script = _workspace.WriteScript("throw.ps1", "'before'\nthrow 'boom'\n'after'\n");

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("boom", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("throw.ps1:2", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("boom", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("after", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WriteErrorOnly_ExitCodeZeroAndMessageOnStderr()
    {
        string script = _workspace.WriteScript("nonterminating.ps1", "Write-Error 'disk is sad'\n'still running'\n");

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("disk is sad", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("still running", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ErrorActionStop_ExitCodeOne()
    {
        string script = _workspace.WriteScript("stop.ps1", "$ErrorActionPreference = 'Stop'\nWrite-Error 'fatal now'\n'after'\n");

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("fatal now", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("after", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CommandExitFour_ExitCodeIsFour()
    {
        HostResult result = await _workspace.RunAsync("-Command", "exit 4");

        Assert.True(result.ExitCode == 4, result.ToString());
    }

    [Fact]
    public async Task Run_CommandWithModuleFunction_WritesOutput()
    {
        HostResult result = await _workspace.RunAsync("-Command", "Get-Greeting -Name $args[0]", "Rembrandt");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Hello, Rembrandt!", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingMandatoryParameter_FailsWithoutPrompting()
    {
        string script = _workspace.WriteScript("mandatory.ps1", "param([Parameter(Mandatory)] [string] $Name)\n\"hi $Name\"\n");

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Name", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("mandatory", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Run_ParseError_ExitCodeOneWithPosition()
    {
        string script = _workspace.WriteScript("broken.ps1", "'fine'\n$x = \"unterminated\n");

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("broken.ps1:2", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task Run_MissingModulePath_ExitCodeOneWithHelpfulMessage()
    {
        string script = _workspace.WriteScript("any.ps1", "'should not run'\n");
        string missing = Path.Combine(_workspace.Root, "no-such-folder", "MuseumSync.psd1");

        HostResult result = await HostProcess.RunAsync(_workspace.Root, "--module", missing, script);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(missing, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("dotnet build -c Release", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--module", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task Run_ModuleImportFails_ExitCodeOneWithError()
    {
        string badModule = _workspace.WriteScript(Path.Combine("Bad", "Bad.psm1"), "throw 'module exploded'\n");
        string script = _workspace.WriteScript("any.ps1", "'should not run'\n");

        HostResult result = await HostProcess.RunAsync(_workspace.Root, "--module", badModule, script);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("module exploded", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("should not run", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingScriptFile_ExitCodeOne()
    {
        HostResult result = await _workspace.RunAsync(Path.Combine(_workspace.Root, "absent.ps1"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("absent.ps1", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadHostOption_ExitCodeTwo()
    {
        HostResult result = await HostProcess.RunAsync(_workspace.Root, "--bogus", "x.ps1");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--bogus", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Sigterm_StopsPipelineWithExitCode130()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No SIGTERM to send; Ctrl+C takes the same path (ScriptRunner.RequestStop).
        }

        string script = _workspace.WriteScript(
            "loop.ps1",
            """
            'started'
            while ($true) { [System.Threading.Thread]::Sleep(50) }
            """);
        var output = new StringBuilder();
        var error = new StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using Process process = HostProcess.Start(
            _workspace.Root,
            ["--module", _workspace.ModulePath, script],
            line =>
            {
                if (line == "started")
                {
                    started.TrySetResult();
                }
            },
            output,
            error);

        await started.Task.WaitAsync(HostProcess.Timeout);
        using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        HostResult result = await HostProcess.WaitAsync(process, output, error);

        Assert.True(result.ExitCode == 130, result.ToString());
    }
}
