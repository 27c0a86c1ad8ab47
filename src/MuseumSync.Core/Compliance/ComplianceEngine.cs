using System.Globalization;

namespace MuseumSync.Compliance;

/// <summary>
/// Decides each record's access tier before it is committed: the first rights rule that matches gives a tier, an embargo
/// that has not passed forces <see cref="AccessTier.Restricted"/>, a stricter tier the record arrived with is kept, and
/// In Copyright never becomes public. A record whose rights cannot be classified gets an issue and is dead-lettered.
/// </summary>
/// <remarks>
/// An embargo date is the last day of the embargo: the record is restricted through that day (UTC) and the rules that
/// follow apply from the next day.
/// </remarks>
internal sealed class ComplianceEngine
{
    private readonly ComplianceRuleSet _rules;
    private readonly RightsRule[] _effective;
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RightsClassification> _classified = new(StringComparer.Ordinal);
    private const int MaxRemembered = 4096;

    /// <summary>Creates an engine over <paramref name="rules"/> (validated here); <paramref name="time"/> gives "today".</summary>
    public ComplianceEngine(ComplianceRuleSet rules, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(time);
        rules.Validate();
        _rules = rules;
        _effective = rules.EffectiveRules.ToArray();
        _time = time;
    }

    /// <summary>The rule set in force.</summary>
    public ComplianceRuleSet Rules => _rules;

    /// <summary>Today's date (UTC) by the engine's clock.</summary>
    public DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    /// <summary>Decides the tier of <paramref name="record"/> as of today.</summary>
    public ComplianceDecision Decide(MuseumRecord record) => Decide(record, Today);

    /// <summary>Decides the tier of <paramref name="record"/> as of <paramref name="today"/>.</summary>
    public ComplianceDecision Decide(MuseumRecord record, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(record);
        var rights = Rights(record);
        var c = Classification(rights);
        if (c.Tier is not { } tier)
        {
            return Unclassified(record, c.Rule, rights is null
                ? $"Record '{record.ObjectId ?? "(no id)"}' of source '{record.Source}' has no rights statement, so its access tier cannot be decided. Add a rightsstatements.org or Creative Commons URI at the source, or set MissingRights in the compliance rule file."
                : $"Record '{record.ObjectId ?? "(no id)"}' of source '{record.Source}': the rights statement '{rights}' matches no compliance rule ({_rules.Origin}), so its access tier cannot be decided. Use a rightsstatements.org or Creative Commons URI at the source, or add a rule for it to the compliance rule file.");
        }
        var rule = c.Rule;
        var reason = c.Rule switch
        {
            ComplianceRuleSet.MissingRightsRuleId => $"no rights statement; the rule file gives such records '{Lower(tier)}'",
            ComplianceRuleSet.UnknownRightsRuleId => $"'{rights}' matches no rule; the rule file gives such records '{Lower(tier)}'",
            ComplianceRuleSet.InCopyrightFloorRuleId => $"'{rights}' is In Copyright, which never becomes public",
            _ => $"'{rights}' matches rule '{c.Rule}' ({c.Match})",
        };
        if (Embargoed(record, tier, today))
        {
            (tier, rule, reason) = (AccessTier.Restricted, ComplianceRuleSet.EmbargoRuleId,
                string.Create(CultureInfo.InvariantCulture, $"embargoed until {record.EmbargoDate:yyyy-MM-dd} (today is {today:yyyy-MM-dd}); then: {reason}"));
        }
        if (_rules.KeepStricterArrivedTier && record.AccessTier > tier)
        {
            (tier, rule, reason) = (record.AccessTier, ComplianceRuleSet.ArrivedTierRuleId, $"arrived as '{Lower(record.AccessTier)}', stricter than the rules' '{Lower(tier)}' ({reason})");
        }

        return new ComplianceDecision
        {
            Source = record.Source,
            ObjectId = record.ObjectId,
            RightsStatement = record.RightsStatement,
            EmbargoDate = record.EmbargoDate,
            ArrivedTier = record.AccessTier,
            AssignedTier = tier,
            Rule = rule,
            Reason = reason,
        };
    }

    /// <summary>
    /// Decides and records the result on the record: a classified record gets <see cref="MuseumRecord.AssignedAccessTier"/>
    /// and <see cref="MuseumRecord.TierRule"/> and is returned; an unclassifiable one comes back as a copy carrying the
    /// compliance issue, so that it is dead-lettered like any invalid record. Records that are already invalid, and
    /// deletions (which carry no rights to judge), are returned unchanged.
    /// </summary>
    public MuseumRecord Apply(MuseumRecord record, out ComplianceDecision? decision)
    {
        ArgumentNullException.ThrowIfNull(record);
        decision = null;
        if (!record.IsValid || record.IsDeleted) return record;
        decision = Decide(record);
        if (decision.Issue is { } issue) return RecordCopy.WithIssue(record, issue, decision.Rule);
        record.AssignedAccessTier = decision.AssignedTier;
        record.TierRule = decision.Rule;
        return record;
    }

    /// <summary>
    /// What <see cref="Apply(MuseumRecord, out ComplianceDecision?)"/> does, without building the decision's explanation:
    /// the sync path. A rights statement is classified once and remembered (a collection has a few dozen distinct
    /// statements), so a record costs a dictionary lookup and two comparisons.
    /// </summary>
    public MuseumRecord Apply(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!record.IsValid || record.IsDeleted) return record;
        var c = Classification(Rights(record));
        if (c.Tier is not { } tier) return Apply(record, out _); // unclassifiable: the full message, once per such record
        var rule = c.Rule;
        if (Embargoed(record, tier, Today)) (tier, rule) = (AccessTier.Restricted, ComplianceRuleSet.EmbargoRuleId);
        if (_rules.KeepStricterArrivedTier && record.AccessTier > tier) (tier, rule) = (record.AccessTier, ComplianceRuleSet.ArrivedTierRuleId);
        record.AssignedAccessTier = tier;
        record.TierRule = rule;
        return record;
    }

    private static string? Rights(MuseumRecord record) => string.IsNullOrWhiteSpace(record.RightsStatement) ? null : record.RightsStatement.Trim();

    private static bool Embargoed(MuseumRecord record, AccessTier tier, DateOnly today) =>
        record.EmbargoDate is { } embargo && embargo >= today && tier != AccessTier.Restricted;

    /// <summary>The tier the rights statement alone gives (null: unclassifiable), and the rule that gave it.</summary>
    private RightsClassification Classification(string? rights)
    {
        var key = rights ?? string.Empty;
        if (_classified.TryGetValue(key, out var known)) return known;
        RightsClassification c;
        if (rights is null)
        {
            c = new RightsClassification(_rules.MissingRightsTier, ComplianceRuleSet.MissingRightsRuleId, null);
        }
        else
        {
            var normalized = RightsUri.Normalize(rights);
            var match = Array.Find(_effective, r => r.IsMatch(normalized));
            c = match is null
                ? new RightsClassification(_rules.UnknownRightsTier, ComplianceRuleSet.UnknownRightsRuleId, null)
                : new RightsClassification(match.Tier, match.Id, match.Match);
            if (c.Tier == AccessTier.Public && RightsUri.IsInCopyright(normalized))
            {
                c = new RightsClassification(AccessTier.Research, ComplianceRuleSet.InCopyrightFloorRuleId, null);
            }
        }
        if (_classified.Count < MaxRemembered) _classified.TryAdd(key, c);
        return c;
    }

    private sealed record RightsClassification(AccessTier? Tier, string Rule, string? Match);

    private static ComplianceDecision Unclassified(MuseumRecord record, string rule, string message) => new()
    {
        Source = record.Source,
        ObjectId = record.ObjectId,
        RightsStatement = record.RightsStatement,
        EmbargoDate = record.EmbargoDate,
        ArrivedTier = record.AccessTier,
        AssignedTier = null,
        Rule = rule,
        Reason = message,
        Issue = new ValidationIssue("rights_statement", rule, message),
    };

    private static string Lower(AccessTier tier) => tier.ToString().ToLowerInvariant();
}
