using System.Collections;

namespace MuseumSync.Compliance;

/// <summary>
/// Builds a <see cref="ComplianceRuleSet"/> from the hashtable of a <c>.psd1</c> rule file (the PowerShell side parses
/// the file safely, as data, and hands the hashtable over). Keys are case-insensitive; an unknown key is an error, so a
/// typo never silently leaves a default in force.
/// </summary>
/// <example>
/// <code>
/// @{
///     Rules = @(
///         @{ Id = 'museum-inhouse'; Match = 'https://museum.example/rights/inhouse'; Tier = 'Restricted' }
///         @{ Id = 'europeana-rr-f'; Match = 'http://www.europeana.eu/rights/rr-f/*'; Tier = 'Research' }
///     )
///     IncludeDefaultRules     = $true        # the built-in rules follow yours
///     MissingRights           = 'DeadLetter' # or Public, Research, Restricted
///     UnknownRights           = 'DeadLetter'
///     KeepStricterArrivedTier = $true
/// }
/// </code>
/// </example>
internal static class ComplianceRuleSetReader
{
    private static readonly string[] s_topKeys = ["Rules", "IncludeDefaultRules", "MissingRights", "UnknownRights", "KeepStricterArrivedTier"];
    private static readonly string[] s_ruleKeys = ["Id", "Match", "Tier", "Description"];

    /// <summary>Reads the rule set; <paramref name="origin"/> (the file path) appears in every message.</summary>
    public static ComplianceRuleSet Read(IDictionary data, string origin)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(origin);
        foreach (var key in data.Keys)
        {
            if (!s_topKeys.Contains(key?.ToString(), StringComparer.OrdinalIgnoreCase))
            {
                throw new ComplianceRulesException($"Unknown key '{key}' in {origin}. Use {string.Join(", ", s_topKeys)}.");
            }
        }

        var rules = new List<RightsRule>();
        if (Get(data, "Rules") is { } rawRules)
        {
            var list = rawRules is IDictionary single ? new object[] { single } : rawRules as IEnumerable
                ?? throw new ComplianceRulesException($"Rules in {origin} must be a list of hashtables: Rules = @( @{{ Id = '…'; Match = '…'; Tier = 'Research' }} ).");
            var index = 0;
            foreach (var item in list)
            {
                index++;
                if (item is not IDictionary rule)
                {
                    throw new ComplianceRulesException($"Rule #{index} in {origin} is not a hashtable. Write it as @{{ Id = '…'; Match = '…'; Tier = 'Research' }}.");
                }
                rules.Add(ReadRule(rule, index, origin));
            }
        }

        var set = new ComplianceRuleSet
        {
            Rules = rules,
            IncludeDefaultRules = Bool(data, "IncludeDefaultRules", true, origin),
            MissingRightsTier = TierOrDeadLetter(data, "MissingRights", origin),
            UnknownRightsTier = TierOrDeadLetter(data, "UnknownRights", origin),
            KeepStricterArrivedTier = Bool(data, "KeepStricterArrivedTier", true, origin),
            Origin = origin,
        };
        set.Validate();
        return set;
    }

    private static RightsRule ReadRule(IDictionary rule, int index, string origin)
    {
        foreach (var key in rule.Keys)
        {
            if (!s_ruleKeys.Contains(key?.ToString(), StringComparer.OrdinalIgnoreCase))
            {
                throw new ComplianceRulesException($"Unknown key '{key}' in rule #{index} of {origin}. A rule has {string.Join(", ", s_ruleKeys)}.");
            }
        }
        var id = Get(rule, "Id")?.ToString();
        var match = Get(rule, "Match")?.ToString();
        var tierText = Get(rule, "Tier")?.ToString();
        if (string.IsNullOrWhiteSpace(id)) throw new ComplianceRulesException($"Rule #{index} in {origin} has no Id. Give it one, such as Id = 'museum-inhouse'.");
        if (string.IsNullOrWhiteSpace(match)) throw new ComplianceRulesException($"Rule '{id}' in {origin} has no Match. Set Match to a rights URI, optionally ending in '*'.");
        if (!TryTier(tierText, out var tier)) throw new ComplianceRulesException($"Rule '{id}' in {origin} has Tier '{tierText}'. Use Public, Research or Restricted.");
        return new RightsRule(id.Trim(), match.Trim(), tier, Get(rule, "Description")?.ToString());
    }

    private static AccessTier? TierOrDeadLetter(IDictionary data, string key, string origin)
    {
        var text = Get(data, key)?.ToString();
        if (text is null || text.Equals("DeadLetter", StringComparison.OrdinalIgnoreCase)) return null;
        if (TryTier(text, out var tier)) return tier;
        throw new ComplianceRulesException($"{key} = '{text}' in {origin} is not understood. Use DeadLetter, Public, Research or Restricted.");
    }

    private static bool Bool(IDictionary data, string key, bool fallback, string origin) => Get(data, key) switch
    {
        null => fallback,
        bool b => b,
        var other => throw new ComplianceRulesException($"{key} in {origin} must be $true or $false, not '{other}'."),
    };

    private static bool TryTier(string? text, out AccessTier tier)
    {
        tier = default;
        if (text is null) return false;
        var t = text.Trim();
        if (t.Length == 0 || char.IsDigit(t[0])) return false;
        return Enum.TryParse(t, ignoreCase: true, out tier) && Enum.IsDefined(tier);
    }

    private static object? Get(IDictionary data, string key)
    {
        foreach (DictionaryEntry e in data)
        {
            if (string.Equals(e.Key?.ToString(), key, StringComparison.OrdinalIgnoreCase)) return e.Value;
        }
        return null;
    }
}
