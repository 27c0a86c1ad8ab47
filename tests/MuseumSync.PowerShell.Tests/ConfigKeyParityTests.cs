using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// A sync.psd1 source key means what the parameter of the same name means: every Invoke-MuseumPoll and
/// Sync-MuseumRecord parameter a source may set is a key, refused out of its ValidateRange and ValidateSet with those
/// very limits (the config maps onto the core settings through its own key table, which must not drift from the cmdlets).
/// </summary>
public sealed class ConfigKeyParityTests : TempFolderTests
{
    [Fact]
    public void InvokeMuseumSync_EveryParameterAsAConfigKey_AcceptedWithTheParametersOwnLimits()
    {
        using var ps = PowerShellSession.Create();

        var problems = ps.Invoke("""
            param($dir)
            $notKeys = 'Source', 'Database', 'ConnectionString', 'Provider', 'StoreCredential', 'Schema', 'SummaryVariable', 'InputObject',
                'MetricsPath', 'MetricsIntervalSec', 'Cursor', 'ApiKey', 'BearerToken', 'Credential', 'Uri'
            $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
            $parameters = @((Get-Command Invoke-MuseumPoll).Parameters.Values) + @((Get-Command Sync-MuseumRecord).Parameters.Values) |
                Where-Object { $_.Name -notin $notKeys -and $_.Name -notin $common }
            $inv = [cultureinfo]::InvariantCulture
            foreach ($p in $parameters) {
                $range = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] } | Select-Object -First 1
                $set = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
                $expected = $null
                if ($range) {
                    $value = if ([decimal]$range.MaxRange -ge [int]::MaxValue) { ([decimal]$range.MinRange - 1).ToString($inv) } else { ([decimal]$range.MaxRange + 1).ToString($inv) }
                    $expected = "is out of range; use $($range.MinRange) to $($range.MaxRange)."
                } elseif ($set) {
                    $value = "'Nope'"
                    $expected = "is not one of $($set.ValidValues -join ', ')."
                } else {
                    $value = "'1'"
                }
                $file = Join-Path $dir "$($p.Name).psd1"
                Set-Content -LiteralPath $file -Value "@{ Store = @{ Database = 'a.db' }; Sources = @( @{ Name = 'demo'; Uri = 'http://127.0.0.1:9/'; $($p.Name) = $value } ) }"
                $message = $null
                try { Invoke-MuseumSync -ConfigPath $file -WhatIf -ErrorAction Stop | Out-Null } catch { $message = $_.Exception.Message }
                if ($message -like '*is not a parameter*') { "$($p.Name): not a config key ($message)" }
                elseif ($expected -and ($null -eq $message -or -not $message.Contains($expected))) { "$($p.Name) = ${value}: expected '$expected', got '$message'" }
            }
            """, _dir).Select(o => o.ToString()).ToList();

        Assert.Empty(ps.Errors);
        Assert.Empty(problems);
    }

    /// <summary>The cmdlets whose parameters are sync.psd1 source keys (Submit-MuseumSync's override the source's job keys).</summary>
    private static readonly string[] s_settingCmdlets = ["Invoke-MuseumPoll", "Sync-MuseumRecord", "Submit-MuseumSync"];

    [Fact]
    public void ValidateRange_OfEveryParameterThatIsAConfigKey_IsTheKeysRange()
    {
        using var ps = PowerShellSession.Create();
        var cmdlets = ps.Invoke("Get-Command -Module MuseumSync -CommandType Cmdlet").Select(o => (CmdletInfo)o.BaseObject).ToList();
        var keys = RangedSettingKeys(cmdlets[0].ImplementingType.Assembly);

        var problems = new List<string>();
        var twins = new HashSet<string>();
        foreach (var cmdlet in cmdlets.Where(c => s_settingCmdlets.Contains(c.Name)))
        {
            foreach (var parameter in cmdlet.Parameters.Values)
            {
                var range = parameter.Attributes.OfType<ValidateRangeAttribute>().SingleOrDefault();
                if (range is null || !keys.TryGetValue(parameter.Name, out var key)) continue;
                twins.Add(parameter.Name);
                if (Number(range.MinRange) != Number(key.Min) || Number(range.MaxRange) != Number(key.Max))
                {
                    problems.Add($"{cmdlet.Name} -{parameter.Name}: [ValidateRange({range.MinRange}, {range.MaxRange})], but the config key allows {key.Min} to {key.Max}");
                }
            }
        }

        Assert.Empty(problems);
        // Every key with a range is some parameter's twin: a parameter that lost its [ValidateRange] is caught too.
        Assert.Equal(keys.Keys.Order(StringComparer.Ordinal), twins.Order(StringComparer.Ordinal));
        Assert.Contains("WindowDays", twins);
    }

    private static decimal Number(object value) => Convert.ToDecimal(value, CultureInfo.InvariantCulture);

    /// <summary>The module's config keys that have a range (SettingKeys.All, internal to the module: read by reflection).</summary>
    private static Dictionary<string, (object Min, object Max)> RangedSettingKeys(Assembly module)
    {
        var all = (IEnumerable)module.GetType("MuseumSync.PowerShell.Internal.SettingKeys", throwOnError: true)!
            .GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var ranged = new Dictionary<string, (object Min, object Max)>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in all)
        {
            var type = key.GetType();
            var (name, min, max) = ((string)type.GetProperty("Name")!.GetValue(key)!, type.GetProperty("Min")!.GetValue(key), type.GetProperty("Max")!.GetValue(key));
            if (min is not null && max is not null) ranged.Add(name, (min, max));
        }
        return ranged;
    }
}
