namespace MuseumSync.Compliance;

/// <summary>
/// One rights rule: records whose rights statement matches <see cref="Match"/> get <see cref="Tier"/>.
/// </summary>
/// <param name="Id">A stable rule id, stored with the record as its <c>TierRule</c> (for example <c>rights-in-copyright</c>).</param>
/// <param name="Match">
/// A rights URI, compared without regard to <c>http</c>/<c>https</c>, case, a trailing slash, <c>legalcode</c> or a
/// <c>deed.xx</c> page; a trailing <c>*</c> matches any rest (<c>http://rightsstatements.org/vocab/InC*</c>).
/// </param>
/// <param name="Tier">The tier a matching record gets (an embargo or a stricter tier it arrived with can still raise it).</param>
/// <param name="Description">What the rule is for, for people reading <c>Get-MuseumComplianceRule</c>.</param>
public sealed record RightsRule(string Id, string Match, AccessTier Tier, string? Description = null)
{
    /// <summary>True when the rule matches a rights URI in its normalized form (<see cref="RightsUri.Normalize"/>).</summary>
    public bool IsMatch(string normalizedRights)
    {
        ArgumentNullException.ThrowIfNull(normalizedRights);
        var pattern = RightsUri.Normalize(Match.TrimEnd('*'));
        return Match.EndsWith('*')
            ? normalizedRights.StartsWith(pattern, StringComparison.Ordinal)
            : string.Equals(normalizedRights, pattern, StringComparison.Ordinal);
    }

    /// <summary>True when the rule can match a rightsstatements.org In Copyright statement (those never become public).</summary>
    public bool CoversInCopyright => RightsUri.IsInCopyright(RightsUri.Normalize(Match.TrimEnd('*')))
        || (Match.EndsWith('*') && RightsUri.InCopyrightPrefix.StartsWith(RightsUri.Normalize(Match.TrimEnd('*')), StringComparison.Ordinal));
}
