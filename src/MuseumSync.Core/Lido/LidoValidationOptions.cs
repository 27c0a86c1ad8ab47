using MuseumSync.Lido.Quality;

namespace MuseumSync.Lido;

/// <summary>How <see cref="LidoValidator"/> checks records: which schema version, where the schema comes from, which quality rules run and how severe each is.</summary>
internal sealed class LidoValidationOptions
{
    /// <summary>The schema version; null detects it from the document's <c>xsi:schemaLocation</c> (LIDO 1.1 when it names none). The default is null.</summary>
    public LidoVersion? Version { get; init; }

    /// <summary>Where the XSD comes from.</summary>
    public LidoSchemaOptions Schema { get; init; } = new();

    /// <summary>Whether the XSD is checked at all (the quality rules run either way). The default is true.</summary>
    public bool ValidateSchema { get; init; } = true;

    /// <summary>The quality rules to run, by id (<see cref="LidoQualityRules.All"/>); null runs all of them. The default is null.</summary>
    public IReadOnlyCollection<string>? Rules { get; init; }

    /// <summary>Severity overrides by rule id, for example <c>link-url</c> → <see cref="LidoSeverity.Error"/>. The default is none.</summary>
    public IReadOnlyDictionary<string, LidoSeverity>? Severities { get; init; }

    /// <summary>The most findings kept per record; the rest are counted in <see cref="LidoValidationResult.SuppressedCount"/>. The default is 100.</summary>
    public int MaxIssuesPerRecord { get; init; } = 100;

    /// <summary>Throws <see cref="ArgumentException"/> for an unknown rule id or a limit out of range.</summary>
    public void Validate()
    {
        if (MaxIssuesPerRecord is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(MaxIssuesPerRecord), MaxIssuesPerRecord, "Keep 1 to 100,000 findings per record.");
        foreach (var id in (Rules ?? []).Concat(Severities?.Keys ?? []))
        {
            if (LidoQualityRules.Find(id) is null)
            {
                throw new ArgumentException($"'{id}' is not a LIDO quality rule. The rules are: {string.Join(", ", LidoQualityRules.All.Select(r => r.Id))}.");
            }
        }
    }
}
