namespace MuseumSync.PowerShell.Tests;

/// <summary>Config and rule files (.psd1) are data: a value that is code is refused with its key and line, before anything runs.</summary>
public sealed class DataFileValueTests : TempFolderTests
{
    [Theory]
    [InlineData("Uri = { Get-Process }", "'Sources.Uri' on line 4 is a script block")]
    [InlineData("Uri = (1 | ForEach-Object {$_})", "'Sources.Uri' on line 4 is a pipeline")]
    [InlineData("Uri = \"http://$env:HOSTNAME/\"", "'Sources.Uri' on line 4 is text with a variable")]
    [InlineData("Uri = @({ 1 })", "'Sources.Uri' on line 4 is a script block")]
    [InlineData("Uri = $home", "'Sources.Uri' on line 4 is a variable")]
    public void InvokeMuseumSync_ConfigValueThatIsCode_RefusedWithKeyAndLine(string value, string expected)
    {
        var path = Path.Combine(_dir, "sync.psd1");
        var marker = Path.Combine(_dir, "ran");
        File.WriteAllText(path, $"@{{\n    Store = @{{ Database = 'a.db' }}\n    Sources = @( @{{ Name = 'demo'\n        {value.Replace("Get-Process", $"New-Item '{marker}'", StringComparison.Ordinal)} }} )\n}}\n");
        using var ps = PowerShellSession.Create();

        var e = MuseumStandardsCmdletTests.StatementTerminatingError(ps, "Invoke-MuseumSync -ConfigPath $args[0]", path);

        Assert.StartsWith("SyncConfigInvalid", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(expected, e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("no commands or variables", e.Exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
        Assert.False(File.Exists(Path.Combine(_dir, "a.db")));
    }

    [Fact]
    public void GetMuseumComplianceRule_RuleValueThatIsAScriptBlock_RefusedWithKeyAndLine()
    {
        var path = Path.Combine(_dir, "rules.psd1");
        File.WriteAllText(path, "@{\n    Rules = @(\n        @{ Id = 'x'; Match = { 'http://rightsstatements.org/vocab/NoC-US/1.0/' }; Tier = 'Public' }\n    )\n}\n");
        using var ps = PowerShellSession.Create();

        var e = MuseumStandardsCmdletTests.StatementTerminatingError(ps, "Get-MuseumComplianceRule -RuleFile $args[0]", path);

        Assert.StartsWith("ComplianceRulesInvalid", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("'Rules.Match' on line 3 is a script block", e.Exception.Message, StringComparison.Ordinal);
    }
}
