using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;

namespace MuseumSync.PowerShell.Tests;

/// <summary>The exported cmdlets follow PowerShell's conventions: approved verbs, standard parameter names, pipeline input.</summary>
public sealed partial class CmdletConventionTests
{
    /// <summary>Names PowerShell users know under another name (the standard one is the value).</summary>
    private static readonly Dictionary<string, string> s_nonStandardNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Cred"] = "Credential", ["Creds"] = "Credential", ["Credentials"] = "Credential", ["PSCredential"] = "Credential",
        ["Throttle"] = "ThrottleLimit", ["MaxConcurrency"] = "ThrottleLimit", ["Parallelism"] = "ThrottleLimit", ["DegreeOfParallelism"] = "ThrottleLimit",
        ["PassThrough"] = "PassThru", ["Forced"] = "Force", ["Overwrite"] = "Force", ["Clobber"] = "Force",
        ["File"] = "Path", ["FileName"] = "Path", ["FilePath"] = "Path", ["Paths"] = "Path", ["Files"] = "Path",
        ["Timeout"] = "TimeoutSec", ["TimeoutSeconds"] = "TimeoutSec", ["Url"] = "Uri", ["Urls"] = "Uri", ["Uris"] = "Uri",
        ["Db"] = "Database", ["DatabasePath"] = "Database", ["ConnString"] = "ConnectionString",
        ["Input"] = "InputObject", ["Object"] = "InputObject", ["Record"] = "InputObject",
    };

    private static List<CmdletInfo> Cmdlets(PowerShellSession ps)
    {
        var cmdlets = ps.Invoke("Get-Command -Module MuseumSync -CommandType Cmdlet").Select(o => (CmdletInfo)o.BaseObject).ToList();
        Assert.True(cmdlets.Count >= 13, $"Only {cmdlets.Count} cmdlets exported.");
        return cmdlets;
    }

    private static IEnumerable<ParameterMetadata> OwnParameters(CmdletInfo cmdlet) =>
        cmdlet.Parameters.Values.Where(p => !Cmdlet.CommonParameters.Contains(p.Name) && !Cmdlet.OptionalCommonParameters.Contains(p.Name));

    [Fact]
    public void EveryCmdlet_UsesAnApprovedVerb_AndASingularPrefixedNoun()
    {
        var approved = typeof(VerbsCommon).Assembly.GetExportedTypes()
            .Where(t => t.IsAbstract && t.IsSealed && t.Name.StartsWith("Verbs", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Sync", approved);
        Assert.DoesNotContain("Poll", approved);
        using var ps = PowerShellSession.Create();

        foreach (var cmdlet in Cmdlets(ps))
        {
            Assert.True(approved.Contains(cmdlet.Verb), $"{cmdlet.Name}: '{cmdlet.Verb}' is not an approved verb.");
            Assert.Matches(NounPattern(), cmdlet.Noun);
            Assert.False(cmdlet.Noun.EndsWith('s'), $"{cmdlet.Name}: nouns are singular.");
        }
    }

    [Fact]
    public void EveryParameter_HasAStandardPascalCaseName()
    {
        using var ps = PowerShellSession.Create();
        var problems = new List<string>();
        foreach (var cmdlet in Cmdlets(ps))
        {
            foreach (var p in OwnParameters(cmdlet))
            {
                if (!PascalCase().IsMatch(p.Name)) problems.Add($"{cmdlet.Name} -{p.Name}: not PascalCase");
                if (s_nonStandardNames.TryGetValue(p.Name, out var standard)) problems.Add($"{cmdlet.Name} -{p.Name}: the standard name is -{standard}");
                if (p.ParameterType == typeof(PSCredential) && !p.Name.EndsWith("Credential", StringComparison.Ordinal)) problems.Add($"{cmdlet.Name} -{p.Name}: a credential is -Credential (or -<Something>Credential)");
                if (p.ParameterType == typeof(SwitchParameter) && string.Equals(p.Name, "PassThru", StringComparison.OrdinalIgnoreCase) && p.Name != "PassThru") problems.Add($"{cmdlet.Name} -{p.Name}: spelled PassThru");
                if (p.Name.Contains("Timeout", StringComparison.Ordinal) && !p.Name.EndsWith("Sec", StringComparison.Ordinal)) problems.Add($"{cmdlet.Name} -{p.Name}: time spans in seconds end in Sec (TimeoutSec)");
                if (p.Name.Contains("Throttle", StringComparison.Ordinal) && p.ParameterType == typeof(int) && !p.Name.EndsWith("Sec", StringComparison.Ordinal) && p.Name != "ThrottleLimit") problems.Add($"{cmdlet.Name} -{p.Name}: concurrency is -ThrottleLimit");
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void WildcardPaths_ComeWithALiteralPathThatTakesGetChildItemOutput()
    {
        using var ps = PowerShellSession.Create();
        var checkedCount = 0;
        foreach (var cmdlet in Cmdlets(ps))
        {
            if (!cmdlet.Parameters.TryGetValue("Path", out var path) || !path.Attributes.OfType<SupportsWildcardsAttribute>().Any()) continue;
            Assert.True(cmdlet.Parameters.TryGetValue("LiteralPath", out var literal), $"{cmdlet.Name} has a wildcard -Path but no -LiteralPath.");
            Assert.Contains("PSPath", literal.Aliases);
            Assert.Contains("LP", literal.Aliases);
            Assert.Contains("FullName", literal.Aliases); // FileInfo objects without PSPath (ConvertTo-LidoXml -OutFile, [IO.FileInfo]) bind literally too
            Assert.DoesNotContain("FullName", path.Aliases);
            Assert.All(literal.Attributes.OfType<ParameterAttribute>(), a => Assert.True(a.ValueFromPipelineByPropertyName));
            checkedCount++;
        }
        Assert.Equal(2, checkedCount); // Test-LidoRecord, Test-IiifManifest
    }

    [Fact]
    public void EveryCmdlet_TakesPipelineInput()
    {
        using var ps = PowerShellSession.Create();
        foreach (var cmdlet in Cmdlets(ps))
        {
            var takes = OwnParameters(cmdlet).Any(p => p.Attributes.OfType<ParameterAttribute>().Any(a => a.ValueFromPipeline || a.ValueFromPipelineByPropertyName));
            Assert.True(takes, $"{cmdlet.Name} takes nothing from the pipeline.");
        }
    }

    [Fact]
    public void NoParameter_HasAValueTypeFromMuseumSyncCore()
    {
        // PowerShell reads cmdlet parameter types before the module's load context is hooked: a Core struct or enum there breaks Import-Module.
        using var ps = PowerShellSession.Create();
        foreach (var cmdlet in Cmdlets(ps))
        {
            foreach (var p in OwnParameters(cmdlet))
            {
                var t = p.ParameterType.IsArray ? p.ParameterType.GetElementType()! : p.ParameterType;
                t = Nullable.GetUnderlyingType(t) ?? t;
                Assert.False(t.IsValueType && t.Assembly.GetName().Name == "MuseumSync.Core", $"{cmdlet.Name} -{p.Name} is a {t.FullName}.");
            }
        }
    }

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex PascalCase();

    [GeneratedRegex("^(Sync|Museum|Lido|Iiif)[A-Z][A-Za-z]*$")]
    private static partial Regex NounPattern();
}
