namespace MuseumSync.Host.Tests;

/// <summary>End-to-end: arguments, module, $PSScriptRoot and output formatting.</summary>
public sealed class ScriptBindingEndToEndTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Run_NamedSwitchAndColonArguments_BindToScriptParameters()
    {
        string script = _workspace.WriteScript(
            "params.ps1",
            """
            param([string] $Name, [switch] $Loud, [int] $Count, [string] $Mode, [switch] $Quiet)
            "Name=$Name|Loud=$Loud|Count=$Count|CountType=$($Count.GetType().Name)|Mode=$Mode|Quiet=$Quiet"
            """);

        HostResult result = await _workspace.RunAsync(script, "-Name", "Ada Lovelace", "-Loud", "-Count", "3", "-Mode:fast", "-Quiet:$false");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Name=Ada Lovelace|Loud=True|Count=3|CountType=Int32|Mode=fast|Quiet=False", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardError);
    }

    [Fact]
    public async Task Run_PositionalArguments_BindInOrder()
    {
        string script = _workspace.WriteScript(
            "positional.ps1",
            """
            param([Parameter(Position = 0)] $First, [Parameter(Position = 1)] $Second, [string] $Tag)
            "First=$First|Second=$Second|Tag=$Tag"
            """);

        HostResult result = await _workspace.RunAsync(script, "one", "-Tag", "t", "two");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("First=one|Second=two|Tag=t", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ScriptInSubfolder_PSScriptRootIsThatFolder()
    {
        string script = _workspace.WriteScript(
            Path.Combine("sub dir", "root.ps1"),
            """
            "Root=$PSScriptRoot"
            "Command=$($PSCommandPath)"
            """);

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Root=" + Path.GetDirectoryName(script), result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Command=" + script, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RelativeScriptPath_ResolvedAgainstCurrentDirectory()
    {
        _workspace.WriteScript("rel.ps1", "\"Root=$PSScriptRoot\"");

        HostResult result = await _workspace.RunAsync("rel.ps1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Root=" + _workspace.Root, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ModuleFunction_IsAvailableToScript()
    {
        string script = _workspace.WriteScript(
            "greet.ps1",
            """
            param([string] $Name)
            Get-Greeting -Name $Name
            (Get-Module).Name -join ','
            """);

        HostResult result = await _workspace.RunAsync(script, "-Name", "Mona");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Hello, Mona!", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("TestGreeting", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ObjectOutput_FormattedAsTableOnStdout()
    {
        string script = _workspace.WriteScript(
            "objects.ps1",
            """
            [pscustomobject]@{ Title = 'Mona Lisa'; Year = 1503 }
            [pscustomobject]@{ Title = 'The Night Watch'; Year = 1642 }
            """);

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.StandardOutput.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Contains(lines, l => l.StartsWith("Title", StringComparison.Ordinal) && l.EndsWith("Year", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("-----", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("The Night Watch", StringComparison.Ordinal) && l.EndsWith("1642", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', result.StandardOutput);
    }

    [Fact]
    public async Task Run_WriteCommands_GoToTheRightStreams()
    {
        string script = _workspace.WriteScript(
            "streams.ps1",
            """
            Write-Output 'out-1'
            Write-Host 'host-1'
            Write-Host 'part-' -NoNewline; Write-Host 'two'
            Write-Warning 'warn-1'
            Write-Verbose 'verbose-hidden'
            Write-Verbose 'verbose-shown' -Verbose
            Write-Debug 'debug-hidden'
            $VerbosePreference = 'Continue'
            Get-Greeting -Name Pref | Out-Null
            Write-Progress -Activity 'Copying' -Status 'half' -PercentComplete 50
            Write-Progress -Activity 'Copying' -Completed
            """);

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("out-1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("host-1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("part-two", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("WARNING: warn-1", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("VERBOSE: verbose-shown", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("VERBOSE: greeting Pref", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Copying", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("warn-1", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ConfirmPrompt_AnswersNoWithWarning()
    {
        string script = _workspace.WriteScript(
            "confirm.ps1",
            """
            function Remove-Thing {
                [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
                param()
                if ($PSCmdlet.ShouldProcess('thing', 'Remove')) { 'removed' } else { 'kept' }
            }
            Remove-Thing
            """);

        HostResult result = await _workspace.RunAsync(script);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("kept", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("removed", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("WARNING:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("non-interactive", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Help_PrintsUsageAndExitsZero()
    {
        HostResult result = await HostProcess.RunAsync(_workspace.Root, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--module", result.StandardOutput, StringComparison.Ordinal);
    }
}
