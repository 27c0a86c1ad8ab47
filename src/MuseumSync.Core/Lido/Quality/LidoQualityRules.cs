namespace MuseumSync.Lido.Quality;

/// <summary>The catalogue of LIDO quality rules, in the order they report.</summary>
internal static class LidoQualityRules
{
    private static readonly Func<LidoQualityRule>[] s_factories =
    [
        () => new RecordIdRule(),
        () => new RecordSourceRule(),
        () => new TitleRule(),
        () => new WorkTypeRule(),
        () => new LegalBodyRule(),
        () => new RightsUriRule(),
        () => new DateRule(),
        () => new MetadataDateRule(),
        () => new LinkUrlRule(),
        () => new UriIdentifierRule(),
        () => new LanguageRule(),
        () => new EmptyValueRule(),
    ];

    /// <summary>Every rule: id, default severity, description.</summary>
    public static IReadOnlyList<LidoRuleInfo> All { get; } = s_factories.Select(f => f().Info).ToArray();

    /// <summary>The rule with this id (case-insensitive), or null.</summary>
    public static LidoRuleInfo? Find(string id) => All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>New instances of the enabled rules (all when <paramref name="enabled"/> is null).</summary>
    internal static LidoQualityRule[] Create(IReadOnlyCollection<string>? enabled) => s_factories
        .Select(f => f())
        .Where(r => enabled is null || enabled.Contains(r.Info.Id, StringComparer.OrdinalIgnoreCase))
        .ToArray();
}
