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
}
