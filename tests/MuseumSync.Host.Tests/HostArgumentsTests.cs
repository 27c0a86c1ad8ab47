namespace MuseumSync.Host.Tests;

public class HostArgumentsTests
{
    [Fact]
    public void Parse_ScriptWithNamedValue_BindsNamedString()
    {
        HostArguments parsed = HostArguments.Parse(["script.ps1", "-Name", "value"]);

        Assert.False(parsed.ShowHelp);
        Assert.Equal("script.ps1", parsed.ScriptPath);
        Assert.Null(parsed.CommandText);
        Assert.Null(parsed.ModulePath);
        ScriptArgument argument = Assert.Single(parsed.ScriptArguments);
        Assert.Equal(ScriptArgument.Named("Name", "value"), argument);
        Assert.False(argument.IsSwitch);
    }

    [Fact]
    public void Parse_SwitchFollowedByName_BindsSwitchTrue()
    {
        HostArguments parsed = HostArguments.Parse(["s.ps1", "-Force", "-Count", "3"]);

        Assert.Equal(
            [ScriptArgument.Switch("Force", true), ScriptArgument.Named("Count", "3")],
            parsed.ScriptArguments);
        Assert.True(parsed.ScriptArguments[0].IsSwitch);
    }

    [Fact]
    public void Parse_SwitchAtEnd_BindsSwitchTrue()
    {
        HostArguments parsed = HostArguments.Parse(["s.ps1", "-Name", "x", "-WhatIf"]);

        Assert.Equal(
            [ScriptArgument.Named("Name", "x"), ScriptArgument.Switch("WhatIf", true)],
            parsed.ScriptArguments);
    }

    [Fact]
    public void Parse_ColonForm_BindsValueAfterFirstColon()
    {
        HostArguments parsed = HostArguments.Parse(["s.ps1", "-Mode:fast", "-Path:C:\\data", "-Empty:"]);

        Assert.Equal(
            [ScriptArgument.Named("Mode", "fast"), ScriptArgument.Named("Path", "C:\\data"), ScriptArgument.Named("Empty", string.Empty)],
            parsed.ScriptArguments);
    }

    [Theory]
    [InlineData("-Force:$false", false)]
    [InlineData("-Force:$true", true)]
    public void Parse_ColonBoolean_BindsSwitchValue(string token, bool expected)
    {
        HostArguments parsed = HostArguments.Parse(["s.ps1", token]);

        Assert.Equal(ScriptArgument.Switch("Force", expected), Assert.Single(parsed.ScriptArguments));
    }

    [Fact]
    public void Parse_NegativeNumber_StaysValue()
    {
        HostArguments parsed = HostArguments.Parse(["s.ps1", "-Offset", "-3", "-5"]);

        Assert.Equal(
            [ScriptArgument.Named("Offset", "-3"), ScriptArgument.Positional("-5")],
            parsed.ScriptArguments);
    }

    [Fact]
    public void Parse_BareValues_ArePositionalInOrder()
    {
        HostArguments parsed = HostArguments.Parse(["s.ps1", "one", "-Name", "n", "two"]);

        Assert.Equal(
            [ScriptArgument.Positional("one"), ScriptArgument.Named("Name", "n"), ScriptArgument.Positional("two")],
            parsed.ScriptArguments);
    }

    [Fact]
    public void Parse_DoubleDash_MakesRestPositional()
    {
        HostArguments parsed = HostArguments.Parse(["s.ps1", "-Name", "--", "-NotAName"]);

        Assert.Equal(
            [ScriptArgument.Switch("Name", true), ScriptArgument.Positional("-NotAName")],
            parsed.ScriptArguments);
    }

    [Theory]
    [InlineData("--module", "m.psd1")]
    [InlineData("--MODULE", "m.psd1")]
    public void Parse_ModuleOptionBeforeScript_SetsModulePath(string option, string value)
    {
        HostArguments parsed = HostArguments.Parse([option, value, "s.ps1", "-X", "1"]);

        Assert.Equal("m.psd1", parsed.ModulePath);
        Assert.Equal("s.ps1", parsed.ScriptPath);
        Assert.Single(parsed.ScriptArguments);
    }

    [Fact]
    public void Parse_ModuleOptionWithEquals_SetsModulePath()
    {
        HostArguments parsed = HostArguments.Parse(["--module=/x/M.psd1", "s.ps1"]);

        Assert.Equal("/x/M.psd1", parsed.ModulePath);
    }

    [Fact]
    public void Parse_HostOptionAfterScript_BelongsToScript()
    {
        HostArguments parsed = HostArguments.Parse(["s.ps1", "--module", "m.psd1", "--help"]);

        Assert.Null(parsed.ModulePath);
        Assert.False(parsed.ShowHelp);
        Assert.Equal(
            [ScriptArgument.Positional("--module"), ScriptArgument.Positional("m.psd1"), ScriptArgument.Positional("--help")],
            parsed.ScriptArguments);
    }

    [Theory]
    [InlineData("-Command")]
    [InlineData("-command")]
    [InlineData("--command")]
    [InlineData("-c")]
    public void Parse_Command_SetsTextAndArguments(string option)
    {
        HostArguments parsed = HostArguments.Parse(["--module", "m", option, "exit 4", "-Name", "v"]);

        Assert.Null(parsed.ScriptPath);
        Assert.Equal("exit 4", parsed.CommandText);
        Assert.Equal("m", parsed.ModulePath);
        Assert.Equal(ScriptArgument.Named("Name", "v"), Assert.Single(parsed.ScriptArguments));
    }

    [Fact]
    public void Parse_FileOption_SetsScriptPath()
    {
        HostArguments parsed = HostArguments.Parse(["-File", "-odd-name.ps1", "a"]);

        Assert.Equal("-odd-name.ps1", parsed.ScriptPath);
        Assert.Equal(ScriptArgument.Positional("a"), Assert.Single(parsed.ScriptArguments));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public void Parse_Help_ShowsHelp(string option)
    {
        HostArguments parsed = HostArguments.Parse([option]);

        Assert.True(parsed.ShowHelp);
        Assert.Contains("Usage:", HostArguments.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoArguments_ThrowsWithHint()
    {
        var ex = Assert.Throws<HostArgumentException>(() => HostArguments.Parse([]));

        Assert.Contains("-Command", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownHostOption_Throws()
    {
        var ex = Assert.Throws<HostArgumentException>(() => HostArguments.Parse(["--verbose", "s.ps1"]));

        Assert.Contains("--verbose", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--module")]
    [InlineData("-Command")]
    [InlineData("-File")]
    public void Parse_OptionWithoutValue_Throws(string option)
    {
        Assert.Throws<HostArgumentException>(() => HostArguments.Parse([option]));
    }

    [Theory]
    [InlineData("-Name", true)]
    [InlineData("-_x", true)]
    [InlineData("-?", true)]
    [InlineData("-3", false)]
    [InlineData("-", false)]
    [InlineData("--", false)]
    [InlineData("--name", false)]
    [InlineData("name", false)]
    public void IsParameterName_Token_MatchesPowerShellConvention(string token, bool expected)
    {
        Assert.Equal(expected, HostArguments.IsParameterName(token));
    }
}
