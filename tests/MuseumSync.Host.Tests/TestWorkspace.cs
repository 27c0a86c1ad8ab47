namespace MuseumSync.Host.Tests;

/// <summary>
/// A temporary folder holding a tiny script module (TestGreeting, with Get-Greeting) and the
/// scripts of one test, so end-to-end tests do not depend on the real MuseumSync module.
/// </summary>
public sealed class TestWorkspace : IDisposable
{
    public TestWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("msh-e2e-").FullName;
        string moduleDir = Directory.CreateDirectory(Path.Combine(Root, "TestGreeting")).FullName;
        File.WriteAllText(
            Path.Combine(moduleDir, "TestGreeting.psm1"),
            """
            function Get-Greeting {
                [CmdletBinding()]
                param([Parameter(Position = 0)] [string] $Name = 'World')
                Write-Verbose "greeting $Name"
                "Hello, $Name!"
            }
            Export-ModuleMember -Function Get-Greeting
            """);
        File.WriteAllText(
            Path.Combine(moduleDir, "TestGreeting.psd1"),
            """
            @{
                RootModule = 'TestGreeting.psm1'
                ModuleVersion = '1.0.0'
                GUID = '6d0c7b1e-2f0a-4f59-9a53-3f0d2f4c1a77'
                FunctionsToExport = @('Get-Greeting')
                CmdletsToExport = @()
                AliasesToExport = @()
            }
            """);
        ModulePath = Path.Combine(moduleDir, "TestGreeting.psd1");
    }

    public string Root { get; }

    public string ModulePath { get; }

    /// <summary>Writes a script into the workspace and returns its full path.</summary>
    public string WriteScript(string name, string text)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs the host with <c>--module</c> pointing at the test module.</summary>
    public Task<HostResult> RunAsync(params string[] arguments) =>
        HostProcess.RunAsync(Root, ["--module", ModulePath, .. arguments]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file on Windows; the temp folder is cleaned up later.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
