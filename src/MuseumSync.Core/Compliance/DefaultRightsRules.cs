namespace MuseumSync.Compliance;

/// <summary>
/// The built-in rights rules, tried in this order after a rule file's own rules. They cover every statement of
/// rightsstatements.org and Creative Commons; anything else cannot be classified and is dead-lettered unless a rule file
/// says otherwise.
/// </summary>
internal static class DefaultRightsRules
{
    /// <summary>The rules, first match wins.</summary>
    public static IReadOnlyList<RightsRule> All { get; } =
    [
        new("rights-in-copyright", "http://rightsstatements.org/vocab/InC*", AccessTier.Research,
            "In Copyright (InC, InC-EDU, InC-NC, InC-OW-EU, InC-RUU): research only; never public."),
        new("rights-no-copyright-restricted", "http://rightsstatements.org/vocab/NoC-CR*", AccessTier.Research,
            "No Copyright, but contractual restrictions: research only."),
        new("rights-no-copyright-restricted", "http://rightsstatements.org/vocab/NoC-OKLR*", AccessTier.Research,
            "No Copyright, but other known legal restrictions: research only."),
        new("rights-no-copyright", "http://rightsstatements.org/vocab/NoC*", AccessTier.Public,
            "No Copyright (NoC-US, NoC-NC): public."),
        new("rights-no-known-copyright", "http://rightsstatements.org/vocab/NKC*", AccessTier.Public,
            "No Known Copyright: public."),
        new("rights-unevaluated", "http://rightsstatements.org/vocab/CNE*", AccessTier.Research,
            "Copyright Not Evaluated: research only until someone evaluates it."),
        new("rights-unevaluated", "http://rightsstatements.org/vocab/UND*", AccessTier.Research,
            "Copyright Undetermined: research only."),
        new("rights-public-domain", "http://creativecommons.org/publicdomain/*", AccessTier.Public,
            "CC0 and the Public Domain Mark: public."),
        new("rights-open-license", "http://creativecommons.org/licenses/*", AccessTier.Public,
            "Creative Commons licenses (BY, BY-SA, BY-NC, BY-ND, …): public."),
    ];
}
