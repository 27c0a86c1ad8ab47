namespace MuseumSync.Compliance;

/// <summary>
/// How rights statements and embargo dates decide a record's access tier. The defaults are the built-in rules
/// (<see cref="DefaultRightsRules"/>); a <c>.psd1</c> rule file can add rules before them and change the settings below.
/// </summary>
internal sealed class ComplianceRuleSet
{
    /// <summary>The rule id of a tier forced by an embargo date that has not passed.</summary>
    public const string EmbargoRuleId = "embargo-active";

    /// <summary>The rule id of a tier kept because the record arrived with a stricter one.</summary>
    public const string ArrivedTierRuleId = "arrived-tier";

    /// <summary>The rule id used when a record has no rights statement.</summary>
    public const string MissingRightsRuleId = "rights-missing";

    /// <summary>The rule id used when no rule matches the rights statement.</summary>
    public const string UnknownRightsRuleId = "rights-unclassified";

    /// <summary>The rule id used when an In Copyright statement would otherwise have become public.</summary>
    public const string InCopyrightFloorRuleId = "rights-in-copyright-floor";

    /// <summary>The default rule set: the built-in rules, unclassifiable rights dead-lettered, a stricter arrived tier kept.</summary>
    public static ComplianceRuleSet Default { get; } = new();

    /// <summary>Rules tried before the built-in ones, first match wins. The default is none.</summary>
    public IReadOnlyList<RightsRule> Rules { get; init; } = Array.Empty<RightsRule>();

    /// <summary>Whether the built-in rules (<see cref="DefaultRightsRules"/>) follow <see cref="Rules"/>. The default is true.</summary>
    public bool IncludeDefaultRules { get; init; } = true;

    /// <summary>The tier of a record without a rights statement; null dead-letters it. The default is null.</summary>
    public AccessTier? MissingRightsTier { get; init; }

    /// <summary>The tier of a record whose rights statement no rule matches; null dead-letters it. The default is null.</summary>
    public AccessTier? UnknownRightsTier { get; init; }

    /// <summary>
    /// Whether a record that arrived with a stricter tier than the rules give keeps it (the source knows something the
    /// rights statement does not say). The default is true.
    /// </summary>
    public bool KeepStricterArrivedTier { get; init; } = true;

    /// <summary>Where the rules came from (a file path, or "built-in"), for messages.</summary>
    public string Origin { get; init; } = "built-in";

    /// <summary>Every rule in the order it is tried.</summary>
    public IEnumerable<RightsRule> EffectiveRules => IncludeDefaultRules ? Rules.Concat(DefaultRightsRules.All) : Rules;

    /// <summary>Throws <see cref="ComplianceRulesException"/> when a rule is malformed or would make In Copyright public.</summary>
    public void Validate()
    {
        foreach (var rule in Rules)
        {
            if (string.IsNullOrWhiteSpace(rule.Id))
            {
                throw new ComplianceRulesException($"A rule in {Origin} has no Id. Give every rule an Id such as 'museum-inhouse'.");
            }
            if (string.IsNullOrWhiteSpace(rule.Match) || rule.Match.Trim() == "*")
            {
                throw new ComplianceRulesException($"Rule '{rule.Id}' in {Origin} has no Match (or matches everything). Set Match to a rights URI, optionally ending in '*'.");
            }
            if (rule.Tier == AccessTier.Public && rule.CoversInCopyright)
            {
                throw new ComplianceRulesException($"Rule '{rule.Id}' in {Origin} would make In Copyright records ({rule.Match}) public; In Copyright never becomes public. Use Tier = 'Research' or 'Restricted'.");
            }
        }
    }
}
